"""`perfpilot chat`: a conversation that runs the workflow, asks you at escalations, and answers questions."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from perfpilot.cli.errors import fail

if TYPE_CHECKING:
    from perfpilot.chat.questions import Answerer

DEFAULT_BUDGET_TOKENS = 40_000  # perfpilot.chat.model_answers.DEFAULT_BUDGET_TOKENS (not imported at start)


def _answerer(answers: str, model: str | None, budget: int) -> tuple[Answerer, str]:
    """The answerer asked for, and how it is said: 'model' needs a key; 'auto' uses one when it is set."""
    from perfpilot.chat.questions import offline_answer
    from perfpilot.config import ModelSettings, SettingsError

    if answers == "offline":
        return offline_answer, "offline (deterministic: the commands)"
    try:
        settings = ModelSettings.resolve(model=model)
    except (SettingsError, ValueError) as exc:
        fail(str(exc))
    if settings.api_key is None:
        if answers == "model":
            fail("--answers model needs an API key (ANTHROPIC_API_KEY)")
        return offline_answer, "offline (deterministic: the commands; set ANTHROPIC_API_KEY for a model)"
    from perfpilot.chat.model_answers import ModelAnswerer

    return ModelAnswerer(settings, budget_tokens=budget), f"by {settings.model} within {budget} tokens"


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
    answers: str = typer.Option(
        "auto", "--answers", help="Who answers questions: model, offline, or auto (model when a key is set)"
    ),
    answer_budget: int = typer.Option(
        DEFAULT_BUDGET_TOKENS, "--answer-budget", min=2000, help="Model tokens for the conversation's answers"
    ),
) -> None:
    """Run the workflow in a chat: escalations are asked here; then ask about the findings and plan."""
    from perfpilot.chat.session import ChatSession
    from perfpilot.cli.progress import StepProgress
    from perfpilot.logs import configure_logging
    from perfpilot.run.request import RunInputError, RunRequest, resume_request

    if (target is None) == (thread is None):
        fail("give a target.yaml, or --thread THREAD to continue a run")
    if apply not in ("none", "sandbox"):
        fail("chat applies to a sandbox only: --apply none or sandbox")
    if answers not in ("auto", "model", "offline"):
        fail(f"--answers {answers!r}: choose auto, model or offline")
    configure_logging(headless=False, level="warning")
    answerer, who = _answerer(answers, model, answer_budget)
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
    print(f"Questions are answered {who}.")
    session = ChatSession(request, read=input, write=print, answerer=answerer)
    try:
        session.run()
    except RunInputError as exc:
        fail(str(exc))
    session.loop()
