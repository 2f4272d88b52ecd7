"""`perfpilot run` and `perfpilot validate`: the workflow on a target, headless or on a terminal."""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from perfpilot.cli.errors import EXIT_USAGE, fail

if TYPE_CHECKING:
    from perfpilot.run.request import RunRequest


MAX_BYTES_HELP = "KIND=SIZE, e.g. metrics=64MiB: largest file of a kind to read (repeatable; beats target)"


def _caps(pairs: list[str]) -> dict[str, int]:
    from perfpilot.inputs.limits import parse_caps

    try:
        return parse_caps(pairs)
    except ValueError as exc:
        fail(str(exc))


def validate(
    target: Path = typer.Argument(..., help="target.yaml to check"),
    max_bytes: list[str] = typer.Option([], "--max-bytes", help=MAX_BYTES_HELP),
) -> None:
    """Check a target file (fields, types, evidence paths) and read its evidence files, without
    running anything or fetching live sources. Exit 2 naming every file, line and field that is wrong."""
    from perfpilot.evidence import load_evidence
    from perfpilot.target import TargetError, load_target

    try:
        spec = load_target(target, max_bytes=_caps(max_bytes))
    except TargetError as exc:
        fail(str(exc))
    skipped = load_evidence(spec, live=False).skipped
    if skipped:
        problems = "\n".join(f"  {s.source}{f':{s.line}' if s.line else ''}: {s.reason}" for s in skipped)
        fail(f"{target}: evidence that cannot be used:\n{problems}")
    print(f"{target}: valid target '{spec.name}'")


def _ask(question: dict[str, Any]) -> str:
    print(f"\n{question.get('question')}\nReason: {question.get('reason')}", file=sys.stderr)
    answer: str = typer.prompt("Answer (proceed/stop)", default="stop")
    return answer


def run(
    target: Path | None = typer.Argument(None, help="target.yaml of the system to work on"),
    out: Path = typer.Option(Path("perfpilot-report"), "--out", help="Folder for the reports"),
    headless: bool = typer.Option(
        False, "--headless", help="JSON logs, no prompts (implied when stdout is not a TTY)"
    ),
    strict: bool = typer.Option(
        False, "--strict", help="Exit 2 on malformed evidence instead of skipping it"
    ),
    planner: str = typer.Option("offline", "--planner", help="offline (default) or claude"),
    model: str | None = typer.Option(None, "--model", help="Claude model (with --planner claude)"),
    record: Path | None = typer.Option(None, "--record", help="Record model calls to this folder"),
    replay: Path | None = typer.Option(None, "--replay", help="Replay recorded model calls from this folder"),
    live: bool = typer.Option(False, "--live", help="Start the target's service and load-test it"),
    apply: str = typer.Option("none", "--apply", help="none, sandbox (a copy of the database) or original"),
    yes: bool = typer.Option(False, "--yes", help="Confirm --apply original without a prompt (CI)"),
    keep_sandbox: bool = typer.Option(
        False, "--keep-sandbox", help="Keep the sandbox copy after the run (removed by default)"
    ),
    sandbox_dsn: str | None = typer.Option(
        None, "--sandbox-dsn",
        help="PostgreSQL: an empty database to restore the sandbox into (when the role lacks CREATEDB)",
    ),
    budget: list[str] = typer.Option([], "--budget", help="STEP=TOKENS, e.g. analysis=6000 (repeatable)"),
    formats: str = typer.Option(
        "json,md,html,sarif", "--format", help="Report formats: json, md, html, sarif, pr-comment"
    ),
    log_level: str = typer.Option("info", "--log-level"),
    resume: str | None = typer.Option(
        None, "--resume", help="Continue thread THREAD of --out from its last finished step"
    ),
    checkpointer: str | None = typer.Option(
        None, "--checkpointer", help="postgresql://... (default: checkpoints.sqlite in --out)"
    ),
    max_bytes: list[str] = typer.Option([], "--max-bytes", help=MAX_BYTES_HELP),
    rerun_load_tests: bool = typer.Option(
        False, "--rerun-load-tests", help="With --resume: run again the load tests the thread finished"
    ),
    load_test_seconds: float | None = typer.Option(
        None, "--load-test-seconds", min=1, help="Seconds of each live load test (default: the profile's)"
    ),
    warmup_seconds: float = typer.Option(5.0, "--warmup-seconds", min=0, help="Live warm-up load, seconds"),
) -> None:
    """Run the four-step workflow on a target and write the report. Exit 0 met/acceptable, 1 not met,
    2 bad input, 3 escalated, 4 projected, 5 inconclusive, 6 incomplete."""
    from perfpilot.cli.collector import loading_modules

    with loading_modules():  # the workflow's modules (LangGraph, langsmith, ...) load here
        from perfpilot.reports import FORMATS
        from perfpilot.run.request import RunInputError, RunRequest, parse_budgets, resume_request

    headless = headless or not sys.stdout.isatty()
    if resume is not None:
        if target is not None:
            fail("--resume THREAD continues the thread's own target: give no target.yaml")
        try:
            request = resume_request(
                out, resume, checkpointer=checkpointer, rerun_load_tests=rerun_load_tests
            )
        except RunInputError as exc:
            fail(str(exc))
        ask = None if headless else _ask
        raise typer.Exit(execute_run(replace(request, ask=ask), headless=headless, log_level=log_level))
    if target is None:
        fail("give a target.yaml (or --resume THREAD)")
    if apply not in ("none", "sandbox", "original"):
        fail(f"--apply {apply!r}: choose none, sandbox or original")
    chosen = tuple(f.strip() for f in formats.split(",") if f.strip())
    if not chosen or any(f not in FORMATS for f in chosen):
        fail(f"--format {formats!r}: choose from {', '.join(FORMATS)}")
    if apply == "original" and not yes:
        if headless:
            fail("--apply original changes the real database: add --yes to confirm")
        if not typer.confirm("Apply the plan's changes to the ORIGINAL database?", default=False):
            fail("not confirmed: nothing was changed")
    try:
        budgets = parse_budgets(budget)
    except ValueError as exc:
        fail(str(exc))
    code = execute_run(
        RunRequest(
            target=target,
            out=out,
            strict=strict,
            planner_name=planner,
            model=model,
            record=record,
            replay=replay,
            live=live or apply != "none",
            apply=apply,  # type: ignore[arg-type]
            budgets=budgets,
            formats=chosen,
            ask=None if headless else _ask,
            keep_sandbox=keep_sandbox,
            sandbox_dsn=sandbox_dsn,
            checkpointer=checkpointer,
            max_bytes=_caps(max_bytes),
            load_test_duration_s=load_test_seconds,
            warmup_s=warmup_seconds,
        ),
        headless=headless,
        log_level=log_level,
    )
    raise typer.Exit(code)


EXIT_SIGTERM = 143


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C: k6 and the service stop, finished steps are kept and reported."""


_signals: list[int] = []  # SIGTERMs received by this process (a skill may re-raise its own interrupt)


def _terminate(signum: int, frame: object) -> None:
    _signals.append(signum)
    raise Terminated(f"signal {signum}")


def _stop_on_sigterm() -> None:
    signal.signal(signal.SIGTERM, _terminate)


def _announcer(out: Path) -> Callable[[str], None]:
    """Print the thread id (and how to continue it) once the run holds its thread."""

    def announce(thread_id: str) -> None:
        print(f"perfpilot: thread {thread_id} (continue: perfpilot run --resume {thread_id} --out {out})",
              file=sys.stderr)  # fmt: skip

    return announce


def execute_run(req: RunRequest, *, headless: bool, log_level: str = "info") -> int:
    """The process exit code of a run; bad input prints a message naming the file and field, and gives 2.
    On a terminal, progress is drawn step by step."""
    from perfpilot.cli.collector import loading_modules

    with loading_modules():
        from perfpilot.cli.progress import StepProgress
        from perfpilot.logs import configure_logging
        from perfpilot.run.request import RunInputError, perform_run
        from perfpilot.run.threads import new_thread_id

    configure_logging(headless=headless, level=log_level)
    req = replace(req, thread_id=req.thread_id or new_thread_id(), on_start=_announcer(req.out))
    _stop_on_sigterm()
    if not headless and req.on_update is None:
        req = replace(req, on_update=StepProgress())
    try:
        report = perform_run(req)
    except RunInputError as exc:
        print(f"perfpilot: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except Terminated:  # before the graph ran: nothing finished to keep
        return EXIT_SIGTERM
    if not headless:
        print(f"{report.status} (tier {report.tier or '-'}): reports in {req.out}")
    if report.status == "interrupted" and _signals:
        return EXIT_SIGTERM
    return report.exit_code
