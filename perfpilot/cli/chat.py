"""`perfpilot chat`: a conversation that runs the workflow, asks you at escalations, and answers questions."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import typer

from perfpilot.cli.errors import fail


def chat(
    target: Path | None = typer.Argument(None, help="target.yaml of the system to work on"),
    out: Path = typer.Option(Path("perfpilot-report"), "--out"),
    planner: str = typer.Option("offline", "--planner", help="offline or claude (also answers questions)"),
    model: str | None = typer.Option(None, "--model"),
    live: bool = typer.Option(False, "--live", help="Start the target's service and load-test it"),
    apply: str = typer.Option("none", "--apply", help="none or sandbox"),
    thread: str | None = typer.Option(
        None,
        "--thread",
        help="Continue thread THREAD of --out (its run, and a pending escalation asked here)",
    ),
) -> None:
    """Run the workflow in a chat: escalations are asked here; then ask about the findings and plan."""
    from perfpilot.chat.questions import Answerer, ClaudeAnswerer, offline_answer
    from perfpilot.chat.session import ChatSession
    from perfpilot.cli.progress import StepProgress
    from perfpilot.logs import configure_logging
    from perfpilot.run.request import RunInputError, RunRequest, resume_request

    if (target is None) == (thread is None):
        fail("give a target.yaml, or --thread THREAD to continue a run")
    if apply not in ("none", "sandbox"):
        fail("chat applies to a sandbox only: --apply none or sandbox")
    configure_logging(headless=False, level="warning")
    answerer: Answerer = offline_answer
    if planner == "claude":
        from perfpilot.config import ModelSettings, SettingsError

        try:
            answerer = ClaudeAnswerer(ModelSettings.resolve(model=model))
        except (SettingsError, ValueError) as exc:
            fail(str(exc))
    if thread is not None:
        try:
            request = replace(resume_request(out, thread), on_update=StepProgress())
        except RunInputError as exc:
            fail(str(exc))
    else:
        assert target is not None
        request = RunRequest(
            target=target,
            out=out,
            planner_name=planner,
            model=model,
            live=live or apply != "none",
            apply=apply,  # type: ignore[arg-type]
            on_update=StepProgress(),
        )
    session = ChatSession(request, read=input, write=print, answerer=answerer)
    try:
        session.run()
    except RunInputError as exc:
        fail(str(exc))
    session.loop()
