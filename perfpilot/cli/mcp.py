"""`perfpilot mcp`: serve skills, runs and reports to MCP clients (Claude Desktop, Claude Code, Cursor)."""

from __future__ import annotations

from pathlib import Path

import typer

from perfpilot.cli.errors import fail

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def mcp(
    transport: str = typer.Option("stdio", "--transport", help="stdio (default) or http (streamable HTTP)"),
    host: str = typer.Option("127.0.0.1", "--host", help="HTTP address (loopback unless --public)"),
    port: int = typer.Option(8000, "--port", help="HTTP port"),
    out: Path = typer.Option(Path("perfpilot-mcp"), "--out", help="Folder for each run's thread and reports"),
    allow_apply: bool = typer.Option(
        False,
        "--allow-apply",
        help="Let run_workflow apply a plan, to a sandbox copy only (default: refused)",
    ),
    public: bool = typer.Option(False, "--public", help="Allow a non-loopback --host"),
) -> None:
    """Serve perfpilot over the Model Context Protocol: each skill as a tool, run_workflow / resume /
    report, and reports as resources. Read-only unless --allow-apply."""
    from perfpilot.logs import configure_logging
    from perfpilot.servers.mcp import build_server

    if transport not in ("stdio", "http"):
        fail(f"--transport {transport!r}: choose stdio or http")
    if host not in LOOPBACK and not public:
        fail(f"--host {host}: the server binds loopback only unless --public is given")
    configure_logging(headless=True, level="warning")  # stderr: stdout carries the protocol on stdio
    server = build_server(out.resolve(), allow_apply=allow_apply)
    if transport == "stdio":
        server.run("stdio")
    else:
        server.run("streamable-http", host=host, port=port)
