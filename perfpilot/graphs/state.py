"""Typed workflow state. Artifacts are stored as JSON-ready dicts so checkpoints stay plain data."""

from __future__ import annotations

import operator
from typing import Annotated, Any, TypedDict

from pydantic import BaseModel

from perfpilot.artifacts import BottleneckInventory, ImplementationPlan, RootCauseReport, ValidationReport


class WorkflowState(TypedDict, total=False):
    """What flows between the graph's nodes (and is checkpointed)."""

    run_id: str
    tier: str | None
    status: str | None
    decision_path: Annotated[list[str], operator.add]
    decisions: Annotated[list[str], operator.add]
    steps: Annotated[list[dict[str, Any]], operator.add]
    inventory: dict[str, Any] | None
    root_cause: dict[str, Any] | None
    plan: dict[str, Any] | None
    validation: dict[str, Any] | None
    applied: list[str]
    escalation: str | None
    human_decision: str | None


def dump(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json")


def inventory_of(state: WorkflowState) -> BottleneckInventory | None:
    raw = state.get("inventory")
    return BottleneckInventory.model_validate(raw) if raw is not None else None


def root_cause_of(state: WorkflowState) -> RootCauseReport | None:
    raw = state.get("root_cause")
    return RootCauseReport.model_validate(raw) if raw is not None else None


def plan_of(state: WorkflowState) -> ImplementationPlan | None:
    raw = state.get("plan")
    return ImplementationPlan.model_validate(raw) if raw is not None else None


def validation_of(state: WorkflowState) -> ValidationReport | None:
    raw = state.get("validation")
    return ValidationReport.model_validate(raw) if raw is not None else None
