"""The orchestrator graph: four step nodes, the apply, escalation and closing nodes, and their routes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime
from langgraph.types import interrupt
from pydantic import BaseModel

from perfpilot.agents.loop import StepRunner
from perfpilot.agents.step import StepAgent, StepName
from perfpilot.agents.steps import steps_with_budgets
from perfpilot.artifacts import ImplementationPlan
from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.graphs import routing
from perfpilot.graphs.state import (
    WorkflowState,
    dump,
    inventory_of,
    plan_of,
    root_cause_of,
    validation_of,
)
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


def _run(
    runtime: Runtime[RunContext], step: StepName, state: WorkflowState, inputs: dict[str, BaseModel]
) -> Any:
    ctx = runtime.context
    prior = PriorArtifacts(
        inventory=inventory_of(state), root_cause=root_cause_of(state), plan=plan_of(state)
    )
    skill_context = SkillContext(
        evidence=ctx.skill_context.evidence,
        workdir=ctx.skill_context.workdir,
        apply=ctx.skill_context.apply,
        prior=prior,
        log=ctx.skill_context.log.bind(step=step),
        live=ctx.skill_context.live,
    )
    return ctx.runner.run(ctx.steps[step], ctx.evidence, inputs, skill_context)


PROFILING_REASONS = {
    "none": "no significant bottleneck and every SLO met: targets met, nothing to change",
    "single": "one significant bottleneck: quick optimization path (T1)",
    "multiple": "several bottlenecks (or SLO breaches with no single cause): full workflow",
}


def profiling(state: WorkflowState, runtime: Runtime[RunContext]) -> dict[str, Any]:
    outcome = _run(runtime, "profiling", state, {})
    verdict = routing.after_profiling(outcome.artifact)
    update: dict[str, Any] = {
        "inventory": dump(outcome.artifact),
        "steps": [outcome.record.model_dump(mode="json")],
        "decision_path": ["profiling"],
        "decisions": [f"after profiling: {PROFILING_REASONS[verdict]}"],
    }
    if verdict == "none":
        update |= {"tier": "T0"}
    elif verdict == "single":
        update |= {"tier": "T1"}
    return update


def route_after_profiling(state: WorkflowState) -> Literal["analysis", "finish"]:
    inventory = inventory_of(state)
    return "finish" if inventory is None or routing.after_profiling(inventory) == "none" else "analysis"


ANALYSIS_REASONS = {
    "quick_fix": "a quick fix is available: implement and validate",
    "complex": "complex optimization: full implementation",
    "architecture_limitation": "architecture limitation: escalate to a human (T4)",
}


def analysis(state: WorkflowState, runtime: Runtime[RunContext]) -> dict[str, Any]:
    inventory = inventory_of(state)
    outcome = _run(runtime, "analysis", state, {"inventory": inventory} if inventory else {})
    verdict = routing.after_analysis(outcome.artifact)
    profiled = routing.after_profiling(inventory) if inventory else "multiple"
    return {
        "root_cause": dump(outcome.artifact),
        "steps": [outcome.record.model_dump(mode="json")],
        "decision_path": ["analysis"],
        "decisions": [f"after analysis: {ANALYSIS_REASONS[verdict]}"],
        "tier": routing.tier_after_analysis(profiled, verdict),
    }


def route_after_analysis(state: WorkflowState) -> Literal["optimization", "escalation"]:
    report = root_cause_of(state)
    if report is not None and routing.after_analysis(report) == "architecture_limitation":
        return "escalation"
    return "optimization"


def escalation(state: WorkflowState) -> dict[str, Any]:
    """Pause for a person (LangGraph interrupt). 'proceed' continues with a full optimization; else stop."""
    report = root_cause_of(state)
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
    report = root_cause_of(state)
    outcome = _run(runtime, "optimization", state, {"root_cause": report} if report else {})
    return {
        "plan": dump(outcome.artifact),
        "steps": [outcome.record.model_dump(mode="json")],
        "decision_path": ["optimization"],
    }


def route_after_optimization(
    state: WorkflowState, runtime: Runtime[RunContext]
) -> Literal["apply", "validation"]:
    ctx = runtime.context
    return "apply" if ctx.applier is not None and ctx.skill_context.apply != "none" else "validation"


def apply(state: WorkflowState, runtime: Runtime[RunContext]) -> dict[str, Any]:
    """Apply the plan's auto-applicable changes where the run allows (a sandbox copy unless told so)."""
    plan = plan_of(state) or ImplementationPlan()
    applier = runtime.context.applier
    applied = applier(plan) if applier is not None else []
    return {"applied": applied, "decision_path": ["apply"]}


def validation(state: WorkflowState, runtime: Runtime[RunContext]) -> dict[str, Any]:
    inputs: dict[str, BaseModel] = {}
    for key, value in (
        ("plan", plan_of(state)),
        ("inventory", inventory_of(state)),
        ("root_cause", root_cause_of(state)),
    ):
        if value is not None:
            inputs[key] = value
    outcome = _run(runtime, "validation", state, inputs)
    return {
        "validation": dump(outcome.artifact),
        "steps": [outcome.record.model_dump(mode="json")],
        "decision_path": ["validation"],
    }


VALIDATION_REASONS = {
    "met": "targets met: success, document and close",
    "partial": "at least 80% of targets met: acceptable, keep monitoring",
    "not_met": "targets not met: escalate to architecture redesign",
}


def route_after_validation(state: WorkflowState) -> Literal["finish", "redesign"]:
    report = validation_of(state)
    return "redesign" if report is not None and routing.after_validation(report) == "not_met" else "finish"


def finish(state: WorkflowState) -> dict[str, Any]:
    report = validation_of(state)
    if report is None:
        return {"status": "targets_met", "decision_path": ["finish"]}
    verdict = routing.after_validation(report)
    status = "targets_met" if verdict == "met" else "acceptable"
    return {
        "status": status,
        "decision_path": ["finish"],
        "decisions": [f"after validation: {VALIDATION_REASONS[verdict]}"],
    }


def redesign(state: WorkflowState) -> dict[str, Any]:
    report = validation_of(state)
    share = report.targets_met_share if report else 0.0
    return {
        "status": "not_met",
        "decision_path": ["redesign"],
        "escalation": f"only {share:.0%} of targets met after optimization: architecture redesign needed",
        "decisions": [f"after validation: {VALIDATION_REASONS['not_met']}"],
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
