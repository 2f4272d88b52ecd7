"""What a model planner submits: its judgement (ranking, priorities, order, explanation), not the artifact.

A step's artifact is assembled by code from what its skills computed; the model's judgement is then
applied to it. This keeps every finding and figure computed, and keeps the submit tool small enough
for the seed's budgets (the full artifact schemas alone would not fit in 3,000 tokens)."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel, ConfigDict, Field

from perfpilot.artifacts import BottleneckInventory, ImplementationPlan, RootCauseReport, ValidationReport
from perfpilot.artifacts.common import Priority
from perfpilot.artifacts.findings import AnalysisOutcome


class Judgement(BaseModel):
    """Base of the submit tool's arguments."""

    model_config = ConfigDict(extra="forbid")

    notes: list[str] = Field(default_factory=list, max_length=5, description="Short explanations for people.")


class ProfilingJudgement(Judgement):
    top_targets: list[str] = Field(
        default_factory=list, max_length=3, description="Bottleneck ids, most important first."
    )


class AnalysisJudgement(Judgement):
    priorities: dict[str, Priority] = Field(
        default_factory=dict, description="Finding id -> priority, to re-rank."
    )
    outcome: AnalysisOutcome | None = Field(
        default=None, description="Override the computed outcome, with a note why."
    )
    summary: str = Field(default="", max_length=600)


class OptimizationJudgement(Judgement):
    order: list[str] = Field(
        default_factory=list, description="Change ids in the deployment order you advise."
    )
    exclude: list[str] = Field(default_factory=list, description="Change ids to leave out of the plan.")


class ValidationJudgement(Judgement):
    pass


def _known(ids: list[str], known: set[str], notes: list[str], what: str) -> list[str]:
    unknown = [i for i in ids if i not in known]
    if unknown:
        notes.append(f"ignored unknown {what} ids: {unknown}")
    return [i for i in ids if i in known]


def apply_profiling(
    artifact: BottleneckInventory, j: ProfilingJudgement, notes: list[str]
) -> BottleneckInventory:
    targets = _known(j.top_targets, {b.id for b in artifact.bottlenecks}, notes, "bottleneck")
    return artifact.model_copy(
        update={"top_targets": targets or artifact.top_targets, "notes": [*artifact.notes, *j.notes]}
    )


def apply_analysis(artifact: RootCauseReport, j: AnalysisJudgement, notes: list[str]) -> RootCauseReport:
    known = {f.id for f in artifact.findings}
    chosen = {
        i: p for i, p in j.priorities.items() if i in _known(list(j.priorities), known, notes, "finding")
    }
    findings = [
        f.model_copy(update={"priority": chosen[f.id]}) if f.id in chosen else f for f in artifact.findings
    ]
    summary = " ".join(s for s in (j.summary, *j.notes) if s) or artifact.summary
    return artifact.model_copy(
        update={"findings": findings, "outcome": j.outcome or artifact.outcome, "summary": summary}
    )


def apply_optimization(
    artifact: ImplementationPlan, j: OptimizationJudgement, notes: list[str]
) -> ImplementationPlan:
    known = {c.id for c in artifact.changes}
    excluded = set(_known(j.exclude, known, notes, "change"))
    changes = [c for c in artifact.changes if c.id not in excluded]
    ordered = _known(j.order, known - excluded, notes, "change")
    sequence = ordered + [c for c in artifact.deployment_sequence if c not in ordered and c not in excluded]
    return artifact.model_copy(
        update={"changes": changes, "deployment_sequence": sequence, "notes": [*artifact.notes, *j.notes]}
    )


def apply_validation(
    artifact: ValidationReport, j: ValidationJudgement, notes: list[str]
) -> ValidationReport:
    return artifact.model_copy(update={"notes": [*artifact.notes, *j.notes]})


APPLY: dict[type[Judgement], Callable[[BaseModel, Judgement, list[str]], BaseModel]] = {
    ProfilingJudgement: apply_profiling,  # type: ignore[dict-item]
    AnalysisJudgement: apply_analysis,  # type: ignore[dict-item]
    OptimizationJudgement: apply_optimization,  # type: ignore[dict-item]
    ValidationJudgement: apply_validation,  # type: ignore[dict-item]
}


def apply_judgement(artifact: BaseModel, judgement: Judgement, notes: list[str]) -> BaseModel:
    """The artifact with the model's judgement applied (unknown ids are ignored and noted)."""
    return APPLY[type(judgement)](artifact, judgement, notes)
