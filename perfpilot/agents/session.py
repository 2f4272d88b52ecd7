"""StepSession: what a planner sees while a step runs (prompt, fitted context, tool results, budget)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from perfpilot.agents.planners.base import SkillCall
from perfpilot.agents.step import StepAgent
from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.skills.base import SkillContext, SkillOutput


@dataclass(frozen=True)
class ContextItem:
    """One piece of evidence offered to the step, with the impact used to rank it when space is short."""

    key: str
    text: str
    impact: float
    tokens: int = 0


@dataclass
class ToolResult:
    """A skill call and what came of it; `rendered` is the (possibly cut) text a model would read."""

    call: SkillCall
    output: SkillOutput | None
    error: str | None
    rendered: str
    tokens: int


@dataclass
class Budget:
    """A step's token budget and what has been charged against it."""

    limit: int
    input_tokens: int = 0
    output_tokens: int = 0
    model_calls: int = 0

    @property
    def used(self) -> int:
        return self.input_tokens + self.output_tokens

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used)

    def charge(self, input_tokens: int = 0, output_tokens: int = 0, calls: int = 0) -> None:
        self.input_tokens += input_tokens
        self.output_tokens += output_tokens
        self.model_calls += calls


@dataclass
class StepSession:
    """The state of one running step, handed to the planner at every decision."""

    step: StepAgent
    prompt: str
    context: list[ContextItem]
    dropped: list[str]
    inputs: dict[str, BaseModel]
    evidence: EvidenceBundle
    skill_context: SkillContext
    tool_schemas: dict[str, dict[str, Any]]
    budget: Budget
    results: list[ToolResult] = field(default_factory=list)
    must_submit: bool = False
    notes: list[str] = field(default_factory=list)

    def outputs(self, skill: str | None = None) -> list[SkillOutput]:
        """Successful skill outputs so far, optionally of one skill."""
        return [
            r.output
            for r in self.results
            if r.output is not None and (skill is None or r.call.skill == skill)
        ]

    def called(self, skill: str) -> bool:
        return any(r.call.skill == skill for r in self.results)
