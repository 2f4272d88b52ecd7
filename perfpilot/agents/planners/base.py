"""The planner interface: given a step session, choose the next action (call a skill, or submit)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import BaseModel

if TYPE_CHECKING:
    from perfpilot.agents.session import StepSession


@dataclass(frozen=True)
class SkillCall:
    """Run the named skill with these arguments (validated against its input model by the loop)."""

    skill: str
    arguments: dict[str, Any] = field(default_factory=dict)
    call_id: str = ""


@dataclass(frozen=True)
class Submit:
    """Finish the step with this artifact (validated against the step's output model by the loop)."""

    artifact: BaseModel | dict[str, Any]


Action = SkillCall | Submit


@dataclass(frozen=True)
class Usage:
    """Tokens a planner's model call consumed, as the API reported them."""

    input_tokens: int = 0
    output_tokens: int = 0
    model_calls: int = 0


@dataclass(frozen=True)
class Decision:
    """A planner's answer: one or more actions, and the usage to charge (None: the loop estimates)."""

    actions: tuple[Action, ...]
    usage: Usage | None = None
    note: str = ""


class Planner(Protocol):
    """Chooses actions for any step. One implementation serves all four steps."""

    name: str

    def decide(self, session: StepSession) -> Decision:
        """The next action(s). When `session.must_submit` is set, the decision must be a Submit."""
        ...


class PlannerError(Exception):
    """The planner could not decide (model unreachable, invalid output twice, ...)."""
