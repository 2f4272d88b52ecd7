"""Implementation plan: grouped changes with effort, risk, a deployment order and a rollback for each."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from perfpilot.artifacts.common import Artifact
from perfpilot.artifacts.findings import Finding

ChangeGroup = Literal["quick_wins", "database", "application", "infrastructure"]
ChangeKind = Literal["ddl", "config", "patch", "infra"]
Risk = Literal["low", "medium", "high"]


class Change(Artifact):
    """One change to make, traceable to the finding that motivates it."""

    id: str
    finding_id: str
    group: ChangeGroup
    kind: ChangeKind
    title: str
    content: str
    rollback: str = Field(min_length=1)
    effort_days: float = Field(ge=0)
    risk: Risk = "low"
    auto_applicable: bool = False
    toggle: str | None = Field(default=None, description="The service toggle this change turns on.")


class ImplementationPlan(Artifact):
    """The optimization step's artifact."""

    changes: list[Change] = Field(default_factory=list)
    deployment_sequence: list[str] = Field(default_factory=list, description="Change ids in order.")
    notes: list[str] = Field(default_factory=list)
    findings: list[Finding] = Field(
        default_factory=list, description="Findings the optimization step's own skills added (e.g. images)."
    )
    budget_exhausted: bool = False

    @model_validator(mode="after")
    def _sequence_names_known_changes(self) -> ImplementationPlan:
        known = {c.id for c in self.changes}
        unknown = [cid for cid in self.deployment_sequence if cid not in known]
        if unknown:
            raise ValueError(f"deployment_sequence names unknown changes: {unknown}")
        return self

    def group(self, name: ChangeGroup) -> list[Change]:
        return [c for c in self.changes if c.group == name]
