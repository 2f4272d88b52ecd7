"""Prepare and carry out one run: target -> planner -> evidence (recorded or live) -> graph -> reports."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import structlog

from perfpilot.agents.step import StepName
from perfpilot.artifacts.report import RunReport
from perfpilot.run.graph_run import Ask, OnUpdate
from perfpilot.run.planners import PlannerChoiceError, make_planner, replay_failure
from perfpilot.skills.base import ApplyMode

STEP_NAMES: tuple[StepName, ...] = ("profiling", "analysis", "optimization", "validation")


@dataclass
class RunRequest:
    """Everything a caller (CLI, chat, demo, eval, servers) asks of one run."""

    target: Path
    out: Path
    strict: bool = False
    planner_name: str = "offline"
    model: str | None = None
    record: Path | None = None
    replay: Path | None = None
    live: bool = False
    apply: ApplyMode = "none"
    budgets: dict[StepName, int] = field(default_factory=dict)
    formats: tuple[str, ...] = ("json", "md", "html", "sarif")
    ask: Ask | None = None
    on_update: OnUpdate | None = None
    load_test_duration_s: float | None = None
    load_test_rate_rps: float | None = None
    warmup_s: float = 5.0
    keep_sandbox: bool = False
    sandbox_dsn: str | None = None
    thread_id: str | None = None
    resume: bool = False
    answer: str | None = None
    checkpointer: str | None = None
    max_bytes: dict[str, int] = field(default_factory=dict)
    rerun_load_tests: bool = False
    confirm_apply: bool = False  # a person approves the apply (chat): an interrupt before it
    on_start: Callable[[str], None] | None = None  # hears the thread id once this process holds the thread


class RunInputError(Exception):
    """Bad input (target, evidence under --strict, planner choice, service): the CLI exits 2."""


def parse_budgets(values: list[str]) -> dict[StepName, int]:
    """`analysis=6000` pairs into a dict; ValueError names the pair that is wrong."""
    budgets: dict[StepName, int] = {}
    for value in values:
        name, _, number = value.partition("=")
        if name not in STEP_NAMES or not number.isdigit() or int(number) <= 0:
            raise ValueError(f"--budget {value!r}: expected STEP=TOKENS, STEP one of {', '.join(STEP_NAMES)}")
        budgets[name] = int(number)
    return budgets


def resume_request(
    out: Path,
    thread_id: str,
    answer: str | None = None,
    checkpointer: str | None = None,
    rerun_load_tests: bool = False,
) -> RunRequest:
    """The request of a recorded thread, to continue it (answering its escalation when answer is given).
    A live thread starts its service again; its ledger keeps applied changes and finished load tests."""
    from perfpilot.run.threads import ThreadNotFound, load_thread

    try:
        record = load_thread(out, thread_id)
    except ThreadNotFound as exc:
        raise RunInputError(f"--resume: {exc}") from None
    return RunRequest(
        target=Path(record.target),
        out=out,
        strict=record.strict,
        planner_name=record.planner_name,
        model=record.model,
        replay=Path(record.replay) if record.replay else None,
        budgets=record.budgets,  # type: ignore[arg-type]
        formats=tuple(record.formats),
        live=record.live,
        apply=record.apply,  # type: ignore[arg-type]
        keep_sandbox=record.keep_sandbox,
        warmup_s=record.warmup_s,
        load_test_duration_s=record.load_test_duration_s,
        load_test_rate_rps=record.load_test_rate_rps,
        thread_id=thread_id,
        resume=True,
        answer=answer,
        checkpointer=checkpointer,
        rerun_load_tests=rerun_load_tests,
    )


def _thread_record(req: RunRequest, thread_id: str) -> Any:
    from perfpilot.run.threads import ThreadRecord

    scheme = (req.checkpointer or "sqlite").split(":", 1)[0]
    return ThreadRecord(
        thread_id=thread_id,
        target=str(req.target.resolve()),
        planner_name=req.planner_name,
        model=req.model,
        replay=str(req.replay.resolve()) if req.replay else None,
        strict=req.strict,
        live=req.live,
        apply=req.apply,
        keep_sandbox=req.keep_sandbox,
        warmup_s=req.warmup_s,
        load_test_duration_s=req.load_test_duration_s,
        load_test_rate_rps=req.load_test_rate_rps,
        budgets=dict(req.budgets),
        formats=list(req.formats),
        checkpointer=scheme,
    )


def perform_run(req: RunRequest) -> RunReport:
    """Load, run the graph (live when asked) and write the reports. Bad input, or a thread another
    process is running, raises RunInputError."""
    from perfpilot.run.thread_lock import ThreadBusy, holding_thread
    from perfpilot.run.threads import new_thread_id

    thread_id = req.thread_id or new_thread_id()
    try:
        with holding_thread(req.out, thread_id):
            if req.on_start is not None:
                req.on_start(thread_id)
            return _perform_held(req, thread_id)
    except ThreadBusy as exc:
        raise RunInputError(str(exc)) from None


def _perform_held(req: RunRequest, thread_id: str) -> RunReport:
    """perform_run once this process holds the thread."""
    from perfpilot.graphs.checkpoints import CheckpointerError, open_checkpointer
    from perfpilot.reports import remove_stale_reports, write_reports
    from perfpilot.run.graph_run import NothingToResume, RunOptions
    from perfpilot.run.threads import load_thread, save_thread
    from perfpilot.target import TargetError, load_target

    log = structlog.get_logger("perfpilot.run").bind(thread=thread_id)
    if stale := remove_stale_reports(req.out):  # never mistaken for this run's, whatever happens next
        log.info("run.stale_reports_removed", files=[p.name for p in stale])
    try:
        spec = load_target(req.target, max_bytes=req.max_bytes)
        planner = make_planner(
            req.planner_name,
            model=req.model,
            record=req.record,
            replay=req.replay,
            load_test_duration_s=req.load_test_duration_s,
            load_test_rate_rps=req.load_test_rate_rps,
        )
    except (TargetError, PlannerChoiceError) as exc:
        raise RunInputError(str(exc)) from None
    options = RunOptions(
        workdir=req.out / "work",
        planner=planner,
        budgets=req.budgets or None,
        live=req.live,
        apply=req.apply,
        ask=req.ask,
        on_update=req.on_update,
        run_id=thread_id,
        resume=req.resume,
        answer=req.answer,
        rerun_load_tests=req.rerun_load_tests,
        confirm_apply=req.confirm_apply,
    )
    record = load_thread(req.out, thread_id) if req.resume else _thread_record(req, thread_id)
    save_thread(req.out, record.model_copy(update={"status": "started"}))  # until it ends
    log.info("run.thread", thread=thread_id, resume=req.resume)
    try:
        with open_checkpointer(req.out, req.checkpointer) as checkpointer:
            options.checkpointer = checkpointer
            report = _run_graph(req, spec, options, log)
    except CheckpointerError as exc:
        raise RunInputError(str(exc)) from None
    except NothingToResume as exc:
        raise RunInputError(f"--resume: {exc}") from None
    report = report.model_copy(update={"target_file": str(req.target.resolve())})
    question = report.escalation if report.status == "escalated" else None
    save_thread(req.out, record.model_copy(update={"status": report.status, "question": question}))
    if (missing := replay_failure(planner)) is not None:
        raise RunInputError(f"--replay {req.replay}: {missing}")
    paths = write_reports(report, req.out, req.formats, target_dir=req.target.parent)
    log.info("run.done", status=report.status, exit_code=report.exit_code, reports=[str(p) for p in paths])
    return report


def _run_graph(req: RunRequest, spec: Any, options: Any, log: Any) -> RunReport:
    """The graph on recorded evidence, or live inside the service's session. The live modules (psycopg,
    the sandbox) load only for a live run."""
    from perfpilot.evidence.errors import EvidenceError
    from perfpilot.evidence.load import load_evidence
    from perfpilot.run.graph_run import run_workflow

    try:
        if req.live:
            return _run_live(req, spec, options, log)
        return run_workflow(load_evidence(spec, strict=req.strict), options)
    except EvidenceError as exc:
        raise RunInputError(f"{exc} (--strict)") from None


def _run_live(req: RunRequest, spec: Any, options: Any, log: Any) -> RunReport:
    """The graph inside the service's live session: captured evidence, sandboxed changes."""
    from perfpilot.live.pg_live import LiveDatabaseError
    from perfpilot.live.service import ServiceError
    from perfpilot.live.session import LiveSession
    from perfpilot.run.graph_run import run_workflow

    try:
        session = LiveSession(
            spec, options, log, warmup_s=req.warmup_s, keep_sandbox=req.keep_sandbox,
            sandbox_dsn=req.sandbox_dsn,
        )
        with session as ready:
            if not ready:
                raise RunInputError(
                    f"{req.target}: a live run needs evidence.http, evidence.service and a sqlite: or "
                    "postgresql:// evidence.database.dsn"
                )
            evidence = session.capture(
                lambda s, folder="warmup": _warm_up(spec, options.workdir / folder, s), req.strict
            )
            return run_workflow(evidence, options)
    except ServiceError as exc:
        raise RunInputError(f"{req.target}: the service could not be started: {exc}") from None
    except LiveDatabaseError as exc:
        raise RunInputError(f"{req.target}: {exc}") from None


def _warm_up(spec: Any, folder: Path, seconds: float) -> None:
    """A short baseline-profile load that warms caches and fills the service's logs before profiling (and
    warms the restarted service before validation)."""
    from perfpilot.evidence.bundle import EvidenceBundle
    from perfpilot.skills.base import SkillContext
    from perfpilot.skills.registry import default_registry

    ctx = SkillContext(evidence=EvidenceBundle(target=spec), workdir=folder, live=True)
    default_registry().get("load-test-runner").skill.invoke(
        {"profile": "baseline", "duration_s": seconds}, ctx
    )
