"""Carry out a run for the CLI: load, plan, run the graph, write reports, and choose the exit code."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import structlog

from perfpilot.cli.errors import EXIT_USAGE
from perfpilot.cli.planners import PlannerChoiceError, make_planner
from perfpilot.skills.base import ApplyMode
from perfpilot.workflow import Ask


def _message(text: str) -> int:
    print(f"perfpilot: {text}", file=sys.stderr)
    return EXIT_USAGE


def execute_run(
    *,
    target: Path,
    out: Path,
    headless: bool,
    strict: bool,
    planner_name: str,
    model: str | None,
    record: Path | None,
    replay: Path | None,
    live: bool,
    apply: ApplyMode,
    budgets: dict[str, int],
    formats: tuple[str, ...],
    log_level: str,
    ask: Ask | None,
) -> int:
    """Returns the process exit code; bad input gives a message naming the file and field, and 2."""
    from perfpilot.cli.progress import StepProgress
    from perfpilot.evidence.errors import EvidenceError
    from perfpilot.evidence.load import load_evidence
    from perfpilot.logs import configure_logging
    from perfpilot.reports import write_reports
    from perfpilot.target import TargetError, load_target
    from perfpilot.workflow import RunOptions, run_workflow

    configure_logging(headless=headless, level=log_level)
    log = structlog.get_logger("perfpilot.cli")
    try:
        spec = load_target(target)
    except TargetError as exc:
        return _message(str(exc))
    try:
        evidence = load_evidence(spec, strict=strict)
    except EvidenceError as exc:
        return _message(f"{exc} (--strict)")
    try:
        planner = make_planner(planner_name, model=model, record=record, replay=replay)
    except PlannerChoiceError as exc:
        return _message(str(exc))
    options = RunOptions(workdir=out / "work", planner=planner, budgets=budgets or None,  # type: ignore[arg-type]
                         live=live, apply=apply, ask=ask, on_update=None if headless else StepProgress())
    with live_service(spec, options, log) as ready:
        if not ready:
            return _message(f"{target}: --live needs 'evidence.service' and 'evidence.http' in the target")
        report = run_workflow(evidence, options)
    paths = write_reports(report, out, formats)
    log.info("run.done", status=report.status, exit_code=report.exit_code, reports=[str(p) for p in paths])
    if not headless:
        print(f"{report.status} (tier {report.tier or '-'}): {', '.join(str(p) for p in paths)}")
    return report.exit_code


class _NoService:
    """Context manager used when the run is not live: nothing to start."""

    def __enter__(self) -> bool:
        return True

    def __exit__(self, *exc: Any) -> None:
        return None


def live_service(spec: Any, options: Any, log: Any) -> Any:
    """Start the target's service for a live run (and stop it after); a no-op for recorded runs."""
    if not options.live:
        return _NoService()
    from perfpilot.live.session import LiveSession

    return LiveSession(spec, options, log)
