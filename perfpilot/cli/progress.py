"""The terminal's live step-by-step view of a run (rich), fed by the graph's node updates."""

from __future__ import annotations

from typing import Any

from rich.console import Console

STEP_NODES = {"profiling", "analysis", "optimization", "validation"}


class StepProgress:
    """Prints one line per finished node: tokens against budget, skills called, the decision taken."""

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console(stderr=True)

    def __call__(self, node: str, update: dict[str, Any]) -> None:
        for decision in update.get("decisions", []):
            self.console.print(f"  [dim]↳ {decision}[/dim]")
        if node in STEP_NODES:
            for step in update.get("steps", []):
                skills = ", ".join(step.skills_called) or "no skills"
                colour = "green" if step.status == "ok" else "yellow"
                self.console.print(
                    f"[{colour}]✓[/{colour}] [bold]{node:<12}[/bold] "
                    f"{step.tokens_used:>5}/{step.token_budget} tokens · {skills}"
                )
        elif node == "apply":
            self.console.print(
                f"[cyan]✓[/cyan] [bold]apply[/bold]        {len(update.get('applied', []))} change(s) applied"
            )
        elif node in ("finish", "redesign"):
            self.console.print(f"[bold]■ {update.get('status', '')}[/bold]")
