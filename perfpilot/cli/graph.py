"""`perfpilot graph`: print the orchestrator graph."""

from __future__ import annotations

import typer


def graph(
    mermaid: bool = typer.Option(True, "--mermaid/--ascii", help="Mermaid (default) or ASCII."),
) -> None:
    """Print the orchestrator graph."""
    from perfpilot.graphs.orchestrator import build_graph

    drawable = build_graph().compile().get_graph()
    print(drawable.draw_mermaid() if mermaid else drawable.draw_ascii())
