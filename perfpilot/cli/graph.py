"""`perfpilot graph`: print the orchestrator graph."""

from __future__ import annotations

import typer

app = typer.Typer(help="Print the orchestrator graph.")


@app.callback(invoke_without_command=True)
def graph(
    mermaid: bool = typer.Option(True, "--mermaid/--ascii", help="Mermaid (default) or ASCII."),
) -> None:
    from perfpilot.graphs.orchestrator import build_graph

    drawable = build_graph().compile().get_graph()
    print(drawable.draw_mermaid() if mermaid else drawable.draw_ascii())
