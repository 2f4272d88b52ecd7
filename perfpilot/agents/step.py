"""StepAgent: a workflow step described as data (name, prompt, skills, budget, output model)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel

StepName = Literal["profiling", "analysis", "optimization", "validation"]


@dataclass(frozen=True)
class StepAgent:
    """Everything that distinguishes one step from another; the shared loop does the rest."""

    name: StepName
    prompt: str
    skills: tuple[str, ...]
    budget: int
    output: type[BaseModel]
    judgement: type[BaseModel]
    goal: str = ""
