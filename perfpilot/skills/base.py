"""The skill contract: typed Input and Output models, a run function, and the context it runs in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Generic, Literal, Protocol, TypeVar

import structlog
from pydantic import BaseModel, ConfigDict, Field

from perfpilot.artifacts import BottleneckInventory, Finding, ImplementationPlan, RootCauseReport
from perfpilot.evidence.bundle import EvidenceBundle

ApplyMode = Literal["none", "sandbox", "original"]


class SkillInput(BaseModel):
    """Base for skill inputs: small, model-friendly arguments (evidence comes from the context)."""

    model_config = ConfigDict(extra="forbid")


class SkillOutput(BaseModel):
    """Base for skill outputs: findings with evidence, plus free-form notes."""

    model_config = ConfigDict(extra="forbid")

    findings: list[Finding] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


@dataclass(frozen=True)
class PriorArtifacts:
    """Artifacts of earlier steps, for skills that build on them."""

    inventory: BottleneckInventory | None = None
    root_cause: RootCauseReport | None = None
    plan: ImplementationPlan | None = None


class LoadObserver(Protocol):
    """Reads a live run's database around each load test (e.g. pg_stat_statements deltas)."""

    def start(self, run_name: str) -> None:
        """Snapshot before the load test starts."""

    def finish(self, run_name: str, request_seconds: float | None) -> None:
        """Snapshot after it ended (`request_seconds`: the summed duration of its HTTP requests, for the
        database's share of request time)."""

    def describe(self, run_names: list[str]) -> list[str]:
        """Notes on what the database did over these runs together (kept short: step budgets are small)."""


@dataclass(frozen=True)
class SkillContext:
    """What a skill may read and where it may write. Skills never change the user's systems unless
    `apply` says so, and then only what the plan names. `live` is set when the target's service is
    running and may be load-tested (`service_pid`: its process, when perfpilot started it); `earlier`
    holds the latest output of each skill run so far."""

    evidence: EvidenceBundle
    workdir: Path
    apply: ApplyMode = "none"
    prior: PriorArtifacts = field(default_factory=PriorArtifacts)
    log: Any = field(default_factory=lambda: structlog.get_logger("perfpilot.skill"))
    live: bool = False
    earlier: dict[str, SkillOutput] = field(default_factory=dict)
    load_observer: LoadObserver | None = None
    service_pid: int | None = None
    running_service: Callable[[], int | None] | None = None  # the service's pid now (apply restarts it)


In = TypeVar("In", bound=SkillInput)
Out = TypeVar("Out", bound=SkillOutput)


@dataclass(frozen=True)
class Skill(Generic[In, Out]):
    """A registered skill. `name` must equal the `name` in the folder's SKILL.md."""

    name: str
    input_model: type[In]
    output_model: type[Out]
    run: Callable[[In, SkillContext], Out]

    def invoke(self, arguments: dict[str, Any] | In, ctx: SkillContext) -> Out:
        """Validate arguments against the input model, run, and bind the skill name to the log."""
        inp = arguments if isinstance(arguments, BaseModel) else self.input_model.model_validate(arguments)
        bound = replace(ctx, log=ctx.log.bind(skill=self.name))
        return self.run(inp, bound)


class SkillError(Exception):
    """A skill could not run on the evidence it was given; the message says why."""


class RunInterrupted(KeyboardInterrupt):
    """A person pressed Ctrl-C during a skill; it stopped cleanly and hands back what it had measured."""

    def __init__(self, partial: SkillOutput | None, message: str) -> None:
        super().__init__(message)
        self.partial = partial
