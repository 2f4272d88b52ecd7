"""The offline planner: deterministic policy code choosing skills from the evidence, then submitting."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from perfpilot.agents.assembly import assemble
from perfpilot.agents.planners.base import Action, Decision, SkillCall, Submit
from perfpilot.agents.session import StepSession
from perfpilot.agents.step import StepName
from perfpilot.artifacts import BottleneckInventory

Policy = Callable[[StepSession, "OfflinePlanner"], list[tuple[str, dict[str, Any]]]]


def _load_test(planner: OfflinePlanner, repeat: int, label: str) -> tuple[str, dict[str, Any]]:
    arguments: dict[str, Any] = {"profile": "baseline", "repeat": repeat, "label": label}
    if planner.load_test_duration_s is not None:
        arguments["duration_s"] = planner.load_test_duration_s
    return ("load-test-runner", arguments)


def _profiling(session: StepSession, planner: OfflinePlanner) -> list[tuple[str, dict[str, Any]]]:
    ev = session.evidence
    calls: list[tuple[str, dict[str, Any]]] = []
    if session.skill_context.live and ev.target.evidence.http is not None:
        calls.append(_load_test(planner, planner.baseline_repeats, "before"))
    if not ev.metrics and not ev.series and not session.skill_context.live:
        calls.append(("observability-stack-configurator", {"mode": "scrape_config"}))
    if ev.instances or ev.kubernetes:  # resource usage and cost are part of the baseline
        calls.append(("cost-optimization-analyzer", {}))
    calls.append(("performance-profiler", {}))
    return calls


def _analysis(session: StepSession, planner: OfflinePlanner) -> list[tuple[str, dict[str, Any]]]:
    ev = session.evidence
    inventory = session.inputs.get("inventory")
    layers = {b.layer for b in inventory.bottlenecks} if isinstance(inventory, BottleneckInventory) else set()
    has_db_evidence = bool(ev.workloads or ev.traces or ev.target.evidence.database is not None)
    calls: list[tuple[str, dict[str, Any]]] = []
    if has_db_evidence and (layers & {"database", "application"} or ev.workloads):
        calls.append(("database-optimization-analyzer", {}))
    if ev.instances or ev.kubernetes:
        calls.append(("cost-optimization-analyzer", {}))
    if ev.access_logs:
        calls.append(("edge-computing-architect", {}))
    return calls


def _optimization(session: StepSession, planner: OfflinePlanner) -> list[tuple[str, dict[str, Any]]]:
    return [("container-image-optimizer", {})] if session.evidence.dockerfiles else []


def _validation(session: StepSession, planner: OfflinePlanner) -> list[tuple[str, dict[str, Any]]]:
    calls: list[tuple[str, dict[str, Any]]] = []
    if session.skill_context.live and session.evidence.target.evidence.http is not None:
        calls.append(_load_test(planner, 1, "after"))
    calls.append(("performance-validator", {}))
    calls.append(("observability-stack-configurator", {"mode": "regression"}))
    return calls


POLICIES: dict[StepName, Policy] = {
    "profiling": _profiling,
    "analysis": _analysis,
    "optimization": _optimization,
    "validation": _validation,
}


class OfflinePlanner:
    """Calls each skill its policy names (once, if the step allows it), then submits the artifact."""

    name = "offline"

    def __init__(self, *, load_test_duration_s: float | None = None, baseline_repeats: int = 2) -> None:
        self.load_test_duration_s = load_test_duration_s
        self.baseline_repeats = baseline_repeats

    def decide(self, session: StepSession) -> Decision:
        if not session.must_submit:
            allowed = set(session.tool_schemas)
            for skill, arguments in POLICIES[session.step.name](session, self):
                if skill in allowed and not session.called(skill):
                    return Decision(actions=(SkillCall(skill, arguments, call_id=f"offline-{skill}"),))
        action: Action = Submit(assemble(session))
        return Decision(actions=(action,))
