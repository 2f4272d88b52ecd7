"""Errors the Claude planner raises; all are PlannerError, so the loop can let the offline planner finish."""

from __future__ import annotations

from perfpilot.agents.planners.base import PlannerError, Usage


class ClaudePlannerError(PlannerError):
    """The Claude planner gave up on this decision; `usage` is what its model calls consumed before that."""

    def __init__(self, message: str, *, usage: Usage | None = None) -> None:
        super().__init__(message)
        self.usage = usage or Usage()


class BudgetExhausted(ClaudePlannerError):
    """The step's remaining tokens cannot hold the smallest useful request and reply."""

    def __init__(self, message: str, *, remaining: int, needed: int, usage: Usage | None = None) -> None:
        super().__init__(message, usage=usage)
        self.remaining = remaining
        self.needed = needed


class InvalidToolCalls(ClaudePlannerError):
    """The model called a refused tool or sent invalid arguments twice in a row."""
