"""StepAgent: everything that distinguishes one workflow step, as data plus the few functions only it uses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel

if TYPE_CHECKING:
    from perfpilot.agents.judgements import Judgement
    from perfpilot.agents.session import ContextItem, StepSession
    from perfpilot.evidence.bundle import EvidenceBundle

StepName = Literal["profiling", "analysis", "optimization", "validation"]
InputName = Literal["inventory", "root_cause", "plan"]
SkillRequest = tuple[str, dict[str, Any]]


@dataclass(frozen=True)
class PolicySettings:
    """What an offline policy reads of the run: live load-test duration and rate, baseline repetitions, and
    after-runs (three: with two, the after-state's level rests on one degree of freedom, t = 12.71)."""

    load_test_duration_s: float | None = None
    load_test_rate_rps: float | None = None
    baseline_repeats: int = 2
    after_repeats: int = 3


Policy = Callable[["StepSession", PolicySettings], list[SkillRequest]]
ContextBuilder = Callable[["EvidenceBundle", dict[str, BaseModel]], list["ContextItem"]]
Assembler = Callable[["StepSession"], BaseModel]
JudgementApplier = Callable[[Any, Any, list[str]], BaseModel]


@dataclass(frozen=True)
class StepAgent:
    """One step of the workflow. The shared loop (agents/loop.py) runs any of them the same way:

    - `context` builds the ranked context items the planner sees (fitted to the budget by the loop);
    - `policy` is the offline planner's choice of skill calls, in order, from what the session holds;
    - `assemble` builds the step's artifact from what its skills computed;
    - `judge` applies a model's judgement (an instance of `judgement`) to that artifact.
    """

    name: StepName
    prompt: str
    skills: tuple[str, ...]
    budget: int
    output: type[BaseModel]
    judgement: type[Judgement]
    inputs: tuple[InputName, ...]
    context: ContextBuilder
    policy: Policy
    assemble: Assembler
    judge: JudgementApplier
    goal: str = ""
