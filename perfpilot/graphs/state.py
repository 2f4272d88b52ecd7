"""Typed workflow state: the artifacts as their pydantic models, and each verdict computed once and stored."""

from __future__ import annotations

import operator
from typing import Annotated, TypedDict

from perfpilot.artifacts import BottleneckInventory, ImplementationPlan, RootCauseReport, ValidationReport
from perfpilot.artifacts.report import StepRecord


class WorkflowState(TypedDict, total=False):
    """What flows between the graph's nodes (and is checkpointed)."""

    run_id: str
    tier: str | None
    status: str | None
    decision_path: Annotated[list[str], operator.add]
    decisions: Annotated[list[str], operator.add]
    steps: Annotated[list[StepRecord], operator.add]
    inventory: BottleneckInventory | None
    root_cause: RootCauseReport | None
    plan: ImplementationPlan | None
    validation: ValidationReport | None
    profiling_verdict: str | None
    analysis_verdict: str | None
    validation_verdict: str | None
    applied: list[str]
    escalation: str | None
    human_decision: str | None
