"""The four step agents of the workflow, as data: name, prompt, skills, budget and output model."""

from __future__ import annotations

from dataclasses import replace

from perfpilot.agents.judgements import (
    AnalysisJudgement,
    OptimizationJudgement,
    ProfilingJudgement,
    ValidationJudgement,
)
from perfpilot.agents.step import StepAgent, StepName
from perfpilot.artifacts import BottleneckInventory, ImplementationPlan, RootCauseReport, ValidationReport

DEFAULT_BUDGETS: dict[StepName, int] = {
    "profiling": 3000,
    "analysis": 4000,
    "optimization": 4000,
    "validation": 4000,
}

PROFILING = StepAgent(
    name="profiling",
    prompt="profiling",
    skills=(
        "load-test-runner",
        "observability-stack-configurator",
        "cost-optimization-analyzer",
        "performance-profiler",
    ),
    budget=DEFAULT_BUDGETS["profiling"],
    output=BottleneckInventory,
    judgement=ProfilingJudgement,
    goal="Baseline and bottleneck inventory with impact scores; top 3 targets.",
)

ANALYSIS = StepAgent(
    name="analysis",
    prompt="analysis",
    skills=("database-optimization-analyzer", "cost-optimization-analyzer", "edge-computing-architect"),
    budget=DEFAULT_BUDGETS["analysis"],
    output=RootCauseReport,
    judgement=AnalysisJudgement,
    goal="Root causes with quantified impact and priority; quick fix, complex, or architecture limit.",
)

OPTIMIZATION = StepAgent(
    name="optimization",
    prompt="optimization",
    skills=("container-image-optimizer", "database-optimization-analyzer"),
    budget=DEFAULT_BUDGETS["optimization"],
    output=ImplementationPlan,
    judgement=OptimizationJudgement,
    goal="Implementation plan: changes, deployment sequence, rollback for each change.",
)

VALIDATION = StepAgent(
    name="validation",
    prompt="validation",
    skills=("load-test-runner", "performance-validator", "observability-stack-configurator"),
    budget=DEFAULT_BUDGETS["validation"],
    output=ValidationReport,
    judgement=ValidationJudgement,
    goal="Before/after against targets, share of targets met, ROI, regression prevention.",
)

STEPS: dict[StepName, StepAgent] = {s.name: s for s in (PROFILING, ANALYSIS, OPTIMIZATION, VALIDATION)}


def steps_with_budgets(budgets: dict[StepName, int] | None = None) -> dict[StepName, StepAgent]:
    """The step agents, with any budgets overridden."""
    budgets = budgets or {}
    return {name: replace(agent, budget=budgets.get(name, agent.budget)) for name, agent in STEPS.items()}
