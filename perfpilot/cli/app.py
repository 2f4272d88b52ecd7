"""The `perfpilot` command: sub-commands are mounted here; heavy imports happen inside commands."""

from __future__ import annotations

import sys

import typer

from perfpilot import __version__
from perfpilot.cli import db, db_commands, skills
from perfpilot.cli import eval as eval_cli
from perfpilot.cli.chat import chat
from perfpilot.cli.graph import graph
from perfpilot.cli.mcp import mcp
from perfpilot.cli.report import report
from perfpilot.cli.run import run, validate
from perfpilot.cli.schema import schema
from perfpilot.cli.threads import resume, threads

app = typer.Typer(
    name="perfpilot",
    help="A performance engineer's workflow: profile, analyse, optimise, validate.",
    rich_markup_mode=None,  # a docstring's single line breaks are wrapping, not layout
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command()(run)
app.command()(validate)
app.command()(chat)
app.command()(threads)
app.command()(resume)
app.command()(mcp)
app.command()(report)
app.command()(graph)
app.command()(schema)
app.add_typer(skills.app, name="skills")
app.add_typer(eval_cli.app, name="eval")
db.app.command("advise")(db_commands.advise_command)
db.app.command("explain")(db_commands.explain_command)
app.add_typer(db.app, name="db")


@app.callback()
def _logging(ctx: typer.Context) -> None:
    """Logs go to stderr (stdout is for output); `run` and `chat` set their own level and format."""
    if ctx.invoked_subcommand == "version":
        return  # prints one line and logs nothing: no structlog import, so it starts fast
    from perfpilot.logs import configure_logging

    configure_logging(headless=True, level="warning")


@app.command()
def version() -> None:
    """Print perfpilot's version."""
    print(__version__)


def main() -> None:
    """The console entry point, behind the error boundary (`--debug` anywhere prints a crash's traceback)."""
    from perfpilot.cli import collector, process_end
    from perfpilot.cli.crash import guarded

    collector.arm()
    process_end.note_start()
    code = guarded(app, sys.argv)
    process_end.end(code)  # returns when something is pending: the ordinary exit below handles it
    collector.before_exit()
    raise SystemExit(code)


if __name__ == "__main__":
    main()
