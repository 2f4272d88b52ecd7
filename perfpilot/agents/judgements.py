"""What a model planner submits: its judgement (ranking, priorities, order, explanation), not the artifact.

A step's artifact is assembled by code from what its skills computed; the model's judgement is then
applied to it by the step (`StepAgent.judge`). This keeps every finding and figure computed, and keeps the
submit tool small enough for the seed's budgets (the full artifact schemas alone would not fit in 3,000
tokens). Each step's judgement model lives in its module under agents/steps/."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Judgement(BaseModel):
    """Base of the submit tool's arguments."""

    model_config = ConfigDict(extra="forbid")

    notes: list[str] = Field(default_factory=list, max_length=5, description="Short explanations for people.")


def known_ids(ids: list[str], known: set[str], notes: list[str], what: str) -> list[str]:
    """The ids that name something the artifact holds; the others are noted as ignored."""
    unknown = [i for i in ids if i not in known]
    if unknown:
        notes.append(f"ignored unknown {what} ids: {unknown}")
    return [i for i in ids if i in known]
