"""`perfpilot threads` and `perfpilot resume`: durable runs listed, and an escalation answered later."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from perfpilot.cli.errors import fail


def threads(
    out: Path = typer.Option(Path("perfpilot-report"), "--out", help="Output folder the runs wrote to"),
) -> None:
    """List the runs (threads) recorded in an output folder: id, status, target, pending question."""
    from perfpilot.run.threads import list_threads

    records = list_threads(out)
    if not records:
        print(f"no threads in {out}", file=sys.stderr)
        return
    for record in records:
        pending = f"  waiting: {record.question}" if record.status == "escalated" and record.question else ""
        print(f"{record.thread_id}  {record.created_at}  {record.status:<12} {record.target}{pending}")


def resume(
    thread: str = typer.Argument(
        ..., help="Thread id printed when the run started (see `perfpilot threads`)"
    ),
    answer: str = typer.Option(..., "--answer", help="proceed or stop: the answer to the run's escalation"),
    out: Path = typer.Option(Path("perfpilot-report"), "--out", help="Output folder the run wrote to"),
    checkpointer: str | None = typer.Option(
        None, "--checkpointer", help="postgresql://... if the run used one"
    ),
    log_level: str = typer.Option("info", "--log-level"),
) -> None:
    """Answer the escalation a headless run stopped at, and finish the run (same exit codes as `run`)."""
    from perfpilot.cli.collector import loading_modules
    from perfpilot.cli.run import execute_run

    with loading_modules():  # the workflow's modules load here (see perfpilot.cli.collector)
        from perfpilot.run.request import RunInputError, resume_request

    decision = answer.strip().lower()
    if decision not in ("proceed", "stop"):
        fail(f"--answer {answer!r}: choose proceed or stop")
    try:
        request = resume_request(out, thread, answer=decision, checkpointer=checkpointer)
    except RunInputError as exc:
        fail(str(exc))
    raise typer.Exit(execute_run(request, headless=True, log_level=log_level))
