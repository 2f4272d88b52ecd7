"""Execute the workflow graph on loaded evidence, through escalations and interrupts, to a RunReport."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import structlog
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.types import Command

from perfpilot.agents.loop import StepRunner
from perfpilot.agents.planners.base import Planner
from perfpilot.agents.planners.offline import OfflinePlanner
from perfpilot.agents.step import StepName
from perfpilot.agents.steps import require_skills, steps_with_budgets
from perfpilot.artifacts.report import RunReport
from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.graphs.checkpoints import memory_checkpointer
from perfpilot.graphs.orchestrator import Applier, RunContext, build_graph
from perfpilot.run.crash_hook import hold_before, holding_at
from perfpilot.run.report import build_report
from perfpilot.skills.base import ApplyMode, LoadObserver, SkillContext
from perfpilot.skills.registry import SkillRegistry, default_registry

Ask = Callable[[dict[str, Any]], str]
OnUpdate = Callable[[str, dict[str, Any]], None]


@dataclass
class RunOptions:
    """How to run: the planner, budgets, whether the service is live, what may be applied, where to write."""

    workdir: Path
    planner: Planner = field(default_factory=OfflinePlanner)
    budgets: dict[StepName, int] | None = None
    live: bool = False
    service_pid: int | None = None
    running_service: Callable[[], int | None] | None = None  # the service's pid now (apply restarts it)
    apply: ApplyMode = "none"
    applier: Applier | None = None
    load_observer: LoadObserver | None = None
    ask: Ask | None = None
    on_update: OnUpdate | None = None
    registry: SkillRegistry | None = None
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    checkpointer: BaseCheckpointSaver[Any] | None = None
    resume: bool = False
    answer: str | None = None
    confirm_apply: bool = False  # the apply node asks (an interrupt) before changing anything
    rerun_load_tests: bool = False  # a resumed live run reuses its finished load tests unless this is set


class NothingToResume(Exception):
    """The checkpointer holds no state for the thread asked to resume."""


def run_context(evidence: EvidenceBundle, options: RunOptions, log: Any) -> RunContext:
    """The run-scoped dependencies every node gets: step runner, evidence, skill context, applier."""
    registry = options.registry or default_registry()
    if options.live:
        from perfpilot.live.finished_load_tests import with_finished_load_tests
        from perfpilot.live.ledger import RunLedger

        ledger = RunLedger(options.workdir, options.run_id)
        registry = with_finished_load_tests(registry, ledger, rerun=options.rerun_load_tests)
    steps = steps_with_budgets(options.budgets)
    require_skills(steps.values(), registry.names())
    fallback = None if isinstance(options.planner, OfflinePlanner) else OfflinePlanner()
    return RunContext(
        runner=StepRunner(options.planner, registry, fallback=fallback, prefetch=fallback is not None),
        evidence=evidence,
        skill_context=SkillContext(
            evidence=evidence,
            workdir=options.workdir,
            apply=options.apply,
            log=log,
            live=options.live,
            load_observer=options.load_observer,
            service_pid=options.service_pid,
            running_service=options.running_service,
        ),
        steps=steps,
        applier=options.applier,
        confirm_apply=options.confirm_apply,
    )


def run_workflow(evidence: EvidenceBundle, options: RunOptions) -> RunReport:
    """Run the graph to its end (or to an unanswered escalation) and report. Never loses finished steps."""
    log = structlog.get_logger("perfpilot.run").bind(run=options.run_id)
    context = run_context(evidence, options, log)
    graph = build_graph().compile(
        checkpointer=options.checkpointer or memory_checkpointer(), interrupt_before=hold_before()
    )
    config: Any = {"configurable": {"thread_id": options.run_id}}
    payload: Any = {"run_id": options.run_id, "decision_path": [], "steps": [], "decisions": []}
    if options.resume:
        payload = _resume_payload(graph.get_state(config), options)
    options.workdir.mkdir(parents=True, exist_ok=True)
    try:
        while True:
            interrupts: tuple[Any, ...] = ()
            for update in graph.stream(
                payload, config, context=context, stream_mode="updates", durability="sync"
            ):
                for node, values in update.items():
                    if node == "__interrupt__":
                        interrupts = tuple(values)
                    elif options.on_update is not None:
                        options.on_update(node, values or {})
            holding_at(graph.get_state(config).next)
            if not interrupts:
                return build_report(graph.get_state(config).values, evidence, options.run_id)
            question = interrupts[0].value
            if options.ask is None:
                log.info("run.escalated", reason=question.get("reason"))
                state = dict(graph.get_state(config).values)
                waiting_at = "apply" if question.get("kind") == "apply" else "escalation"
                reason = question.get("reason")
                state["status"] = "escalated"
                state["escalation"] = (
                    f"waiting for approval: {question.get('question')} ({reason})"
                    if waiting_at == "apply"
                    else reason
                )
                state["decision_path"] = [*state.get("decision_path", []), waiting_at]
                return build_report(state, evidence, options.run_id)
            payload = Command(resume=options.ask(question))
    except KeyboardInterrupt as exc:  # Ctrl-C or SIGTERM: skills stopped their processes; keep finished steps
        log.warning("run.interrupted", error=str(exc))
        state = dict(graph.get_state(config).values)
        state["status"] = "interrupted"
        partial = getattr(exc, "partial", None)
        measured = partial.model_dump_json(exclude_none=True)[:400] if partial else ""
        detail = f"; partial measurement: {measured}" if measured else ""
        report = build_report(state, evidence, options.run_id)
        return report.model_copy(update={"error": f"interrupted (Ctrl-C or SIGTERM){detail}"})
    except Exception as exc:
        log.error("run.failed", error=str(exc))
        state = dict(graph.get_state(config).values)
        state["status"] = "error"
        report = build_report(state, evidence, options.run_id)
        return report.model_copy(update={"error": f"{type(exc).__name__}: {exc}"})


def _resume_payload(snapshot: Any, options: RunOptions) -> Any:
    """What to stream to continue a thread: the answer to its pending escalation, or nothing (go on)."""
    if not snapshot.values:
        raise NothingToResume(f"thread {options.run_id!r} has no checkpoint to resume from")
    if snapshot.interrupts and options.answer is not None:
        return Command(resume=options.answer)
    return None
