"""Carry out a run for the CLI: load, plan, run the graph, write reports, and choose the exit code."""

from __future__ import annotations

import signal
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import structlog

from perfpilot.artifacts.report import RunReport
from perfpilot.cli.errors import EXIT_USAGE
from perfpilot.cli.planners import PlannerChoiceError, make_planner, replay_failure
from perfpilot.skills.base import ApplyMode
from perfpilot.workflow import Ask


@dataclass
class RunRequest:
    """Everything the CLI (or the demo) asks of one run."""

    target: Path
    out: Path
    headless: bool = True
    strict: bool = False
    planner_name: str = "offline"
    model: str | None = None
    record: Path | None = None
    replay: Path | None = None
    live: bool = False
    apply: ApplyMode = "none"
    budgets: dict[str, int] = field(default_factory=dict)
    formats: tuple[str, ...] = ("json", "md", "sarif")
    log_level: str = "info"
    ask: Ask | None = None
    load_test_duration_s: float | None = None
    warmup_s: float = 5.0


class RunInputError(Exception):
    """Bad input (target, evidence under --strict, planner choice, service): the CLI exits 2."""


def _stop_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit so every context manager (service, k6) cleans up."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


def perform_run(req: RunRequest) -> RunReport:
    """Load, run the graph (live when asked) and write the reports. Bad input raises RunInputError."""
    from perfpilot.cli.progress import StepProgress
    from perfpilot.evidence.errors import EvidenceError
    from perfpilot.evidence.load import load_evidence
    from perfpilot.live.service import ServiceError
    from perfpilot.live.session import LiveSession
    from perfpilot.reports import write_reports
    from perfpilot.target import TargetError, load_target
    from perfpilot.workflow import RunOptions, run_workflow

    log = structlog.get_logger("perfpilot.cli")
    try:
        spec = load_target(req.target)
        planner = make_planner(
            req.planner_name,
            model=req.model,
            record=req.record,
            replay=req.replay,
            load_test_duration_s=req.load_test_duration_s,
        )
    except (TargetError, PlannerChoiceError) as exc:
        raise RunInputError(str(exc)) from None
    options = RunOptions(
        workdir=req.out / "work",
        planner=planner,
        budgets=req.budgets or None,  # type: ignore[arg-type]
        live=req.live,
        apply=req.apply,
        ask=req.ask,
        on_update=None if req.headless else StepProgress(),
    )
    try:
        if req.live:
            session = LiveSession(spec, options, log, warmup_s=req.warmup_s)
            with session as ready:
                if not ready:
                    raise RunInputError(
                        f"{req.target}: a live run needs evidence.http, evidence.service and a sqlite: "
                        "evidence.database.dsn"
                    )
                evidence = session.capture(lambda s: _warm_up(spec, options.workdir, s), req.strict)
                report = run_workflow(evidence, options)
        else:
            report = run_workflow(load_evidence(spec, strict=req.strict), options)
    except EvidenceError as exc:
        raise RunInputError(f"{exc} (--strict)") from None
    except ServiceError as exc:
        raise RunInputError(f"{req.target}: the service could not be started: {exc}") from None
    if (missing := replay_failure(planner)) is not None:
        raise RunInputError(f"--replay {req.replay}: {missing}")
    paths = write_reports(report, req.out, req.formats)
    log.info("run.done", status=report.status, exit_code=report.exit_code, reports=[str(p) for p in paths])
    return report


def execute_run(req: RunRequest) -> int:
    """The process exit code of a run; bad input prints a message naming the file and field, and gives 2."""
    from perfpilot.logs import configure_logging

    configure_logging(headless=req.headless, level=req.log_level)
    _stop_on_sigterm()
    try:
        report = perform_run(req)
    except RunInputError as exc:
        print(f"perfpilot: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not req.headless:
        print(f"{report.status} (tier {report.tier or '-'}): reports in {req.out}")
    return report.exit_code


def _warm_up(spec: Any, workdir: Path, seconds: float) -> None:
    """A short baseline-profile load that warms caches and fills the service's logs before profiling."""
    from perfpilot.evidence.bundle import EvidenceBundle
    from perfpilot.skills.base import SkillContext
    from perfpilot.skills.registry import default_registry

    ctx = SkillContext(evidence=EvidenceBundle(target=spec), workdir=workdir / "warmup", live=True)
    default_registry().get("load-test-runner").skill.invoke(
        {"profile": "baseline", "duration_s": seconds}, ctx
    )
