"""The orchestrator graph: four step nodes, the apply, escalation and closing nodes, and their routes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime
from langgraph.types import interrupt
from pydantic import BaseModel

from perfpilot.agents.loop import StepOutcome, StepRunner
from perfpilot.agents.step import StepAgent, StepName
from perfpilot.agents.steps import steps_with_budgets
from perfpilot.artifacts import ImplementationPlan
from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.graphs import routing
from perfpilot.graphs.state import WorkflowState
from perfpilot.skills.base import PriorArtifacts, SkillContext

Applier = Callable[[ImplementationPlan], list[str]]


@dataclass
class RunContext:
    """Run-scoped dependencies handed to every node (not checkpointed)."""

    runner: StepRunner
    evidence: EvidenceBundle
    skill_context: SkillContext
    steps: dict[StepName, StepAgent] = field(default_factory=steps_with_budgets)
    applier: Applier | None = None
    confirm_apply: bool = False  # ask a person (an interrupt) before the apply node changes anything


def _run(runtime: Runtime[RunContext], step: StepName, state: WorkflowState) -> StepOutcome:
    """Run one step agent on the artifacts it reads from the state."""
    ctx = runtime.context
    agent = ctx.steps[step]
    inputs: dict[str, BaseModel] = {}
    for name in agent.inputs:
        value = state.get(name)
        if isinstance(value, BaseModel):
            inputs[name] = value
    skill_context = SkillContext(
        evidence=ctx.skill_context.evidence,
        workdir=ctx.skill_context.workdir,
        apply=ctx.skill_context.apply,
        prior=PriorArtifacts(
            inventory=state.get("inventory"), root_cause=state.get("root_cause"), plan=state.get("plan")
        ),
        log=ctx.skill_context.log.bind(step=step),
        live=ctx.skill_context.live,
        load_observer=ctx.skill_context.load_observer,
        service_pid=ctx.skill_context.service_pid,
        running_service=ctx.skill_context.running_service,
    )
    return ctx.runner.run(agent, ctx.evidence, inputs, skill_context)


def _step_update(step: StepName, outcome: StepOutcome, key: str) -> dict[str, Any]:
    return {key: outcome.artifact, "steps": [outcome.record], "decision_path": [step]}


def profiling(state: WorkflowState, runtime: Runtime[RunContext]) -> dict[str, Any]:
    outcome = _run(runtime, "profiling", state)
    evidence = runtime.context.evidence
    verdict = routing.after_profiling(outcome.artifact, evidence.target.slos, evidence.read)  # type: ignore[arg-type]
    tier = {"none": "T0", "single": "T1"}.get(verdict.kind)
    return _step_update("profiling", outcome, "inventory") | {
        "profiling_verdict": verdict.kind,
        "decisions": [f"after profiling: {verdict.reason}"],
        **({"tier": tier} if tier else {}),
    }


def route_after_profiling(state: WorkflowState) -> Literal["analysis", "finish"]:
    return "analysis" if state.get("profiling_verdict") in ("single", "multiple") else "finish"


def analysis(state: WorkflowState, runtime: Runtime[RunContext]) -> dict[str, Any]:
    outcome = _run(runtime, "analysis", state)
    verdict = routing.after_analysis(outcome.artifact, state.get("inventory"))  # type: ignore[arg-type]
    report = outcome.artifact.model_copy(update={"outcome": verdict.kind})
    profiled = state.get("profiling_verdict") or "multiple"
    return {
        "root_cause": report,
        "steps": [outcome.record],
        "decision_path": ["analysis"],
        "analysis_verdict": verdict.kind,
        "decisions": [f"after analysis: {verdict.reason}"],
        "tier": routing.tier_after_analysis(profiled, verdict.kind),  # type: ignore[arg-type]
    }


def route_after_analysis(state: WorkflowState) -> Literal["optimization", "escalation", "finish"]:
    verdict = state.get("analysis_verdict")
    if verdict == "architecture_limitation":
        return "escalation"
    return "finish" if verdict == "no_root_cause" else "optimization"


def escalation(state: WorkflowState) -> dict[str, Any]:
    """Pause for a person (LangGraph interrupt). 'proceed' continues with a full optimization; else stop."""
    report = state.get("root_cause")
    limits = [f for f in (report.findings if report else []) if f.complexity == "architecture_limitation"]
    reason = "; ".join(f"{f.title}: {f.root_cause}" for f in limits) or "architecture limitation"
    answer = interrupt(
        {
            "question": "Analysis found an architecture limitation. Proceed with the optimizations that are "
            "possible ('proceed'), or stop here for a redesign ('stop')?",
            "reason": reason,
            "options": ["proceed", "stop"],
        }
    )
    decision = str(answer).strip().lower()
    if decision == "proceed":
        return {
            "decision_path": ["escalation"],
            "human_decision": "proceed",
            "escalation": reason,
            "tier": "T3",
            "decisions": ["escalation: a person chose to proceed with the possible optimizations (T3)"],
        }
    return {
        "decision_path": ["escalation"],
        "human_decision": "stop",
        "escalation": reason,
        "status": "escalated",
        "decisions": [f"escalation: a person chose to stop ({decision or 'no answer'})"],
    }


def route_after_escalation(state: WorkflowState) -> Literal["optimization", "__end__"]:
    return "optimization" if state.get("human_decision") == "proceed" else "__end__"


def optimization(state: WorkflowState, runtime: Runtime[RunContext]) -> dict[str, Any]:
    return _step_update("optimization", _run(runtime, "optimization", state), "plan")


def route_after_optimization(
    state: WorkflowState, runtime: Runtime[RunContext]
) -> Literal["apply", "validation"]:
    ctx = runtime.context
    return "apply" if ctx.applier is not None and ctx.skill_context.apply != "none" else "validation"


def _approved(plan: ImplementationPlan, where: str) -> bool:
    """Ask a person (LangGraph interrupt) whether to apply the plan's auto-applicable changes."""
    applies = [c for c in plan.changes if c.auto_applicable and (c.kind == "ddl" or c.toggle)]
    titles = [f"{c.id}: {c.title}" for c in applies]
    answer = interrupt(
        {
            "kind": "apply",
            "question": f"Apply {len(titles)} auto-applicable change(s) to the {where}?",
            "reason": "; ".join(titles) or "no change is auto-applicable",
            "options": ["apply", "skip"],
        }
    )
    return str(answer).strip().lower() == "apply"


def apply(state: WorkflowState, runtime: Runtime[RunContext]) -> dict[str, Any]:
    """Apply the plan's auto-applicable changes where the run allows (a sandbox copy unless told so);
    when the run asks for confirmation, only after a person said 'apply'."""
    plan = state.get("plan") or ImplementationPlan()
    ctx = runtime.context
    where = "original database" if ctx.skill_context.apply == "original" else "sandbox copy of the database"
    if ctx.confirm_apply and not _approved(plan, where):
        declined = f"apply: a person declined ({where})"
        return {"applied": [], "decision_path": ["apply"], "decisions": [declined]}
    applier = runtime.context.applier
    applied = applier(plan) if applier is not None else []
    return {"applied": applied, "decision_path": ["apply"]}


def validation(state: WorkflowState, runtime: Runtime[RunContext]) -> dict[str, Any]:
    outcome = _run(runtime, "validation", state)
    verdict = routing.after_validation(outcome.artifact)  # type: ignore[arg-type]
    return _step_update("validation", outcome, "validation") | {
        "validation_verdict": verdict.kind,
        "decisions": [f"after validation: {verdict.reason}"],
    }


def route_after_validation(state: WorkflowState) -> Literal["finish", "redesign"]:
    return "redesign" if state.get("validation_verdict") == "not_met" else "finish"


def finish(state: WorkflowState) -> dict[str, Any]:
    """Close with the status the last verdict supports."""
    verdict = (
        state.get("validation_verdict") or state.get("analysis_verdict") or state.get("profiling_verdict")
    )
    return {
        "status": routing.closing_status(verdict or "unknown", state.get("steps", [])),
        "decision_path": ["finish"],
    }


def redesign(state: WorkflowState) -> dict[str, Any]:
    report = state.get("validation")
    share = routing.targets_met_share(report)[0] if report else 0.0
    return {
        "status": "not_met",
        "decision_path": ["redesign"],
        "escalation": f"only {share:.0%} of targets met after optimization: architecture redesign needed",
    }


def build_graph() -> StateGraph[WorkflowState, RunContext, WorkflowState, WorkflowState]:
    """The uncompiled builder, so callers choose the checkpointer."""
    builder = StateGraph(WorkflowState, context_schema=RunContext)
    builder.add_node("profiling", profiling)
    builder.add_node("analysis", analysis)
    builder.add_node("escalation", escalation)
    builder.add_node("optimization", optimization)
    builder.add_node("apply", apply)
    builder.add_node("validation", validation)
    builder.add_node("finish", finish)
    builder.add_node("redesign", redesign)
    builder.add_edge(START, "profiling")
    builder.add_conditional_edges("profiling", route_after_profiling)
    builder.add_conditional_edges("analysis", route_after_analysis)
    builder.add_conditional_edges("escalation", route_after_escalation)
    builder.add_conditional_edges("optimization", route_after_optimization)
    builder.add_edge("apply", "validation")
    builder.add_conditional_edges("validation", route_after_validation)
    builder.add_edge("finish", END)
    builder.add_edge("redesign", END)
    return builder
