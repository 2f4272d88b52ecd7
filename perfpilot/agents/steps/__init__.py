"""The four step agents in workflow order. Each step is one module here holding everything it is."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from perfpilot.agents.step import StepAgent, StepName
from perfpilot.agents.steps.analysis import ANALYSIS
from perfpilot.agents.steps.optimization import OPTIMIZATION
from perfpilot.agents.steps.profiling import PROFILING
from perfpilot.agents.steps.validation import VALIDATION

ORDER: tuple[StepAgent, ...] = (PROFILING, ANALYSIS, OPTIMIZATION, VALIDATION)
STEPS: dict[StepName, StepAgent] = {s.name: s for s in ORDER}
DEFAULT_BUDGETS: dict[StepName, int] = {s.name: s.budget for s in ORDER}


class UnknownSkillError(Exception):
    """A step names a skill the registry does not hold (a typo, or a skill folder that failed to load)."""


def steps_with_budgets(budgets: dict[StepName, int] | None = None) -> dict[StepName, StepAgent]:
    """The step agents, with any budgets overridden."""
    budgets = budgets or {}
    return {name: replace(agent, budget=budgets.get(name, agent.budget)) for name, agent in STEPS.items()}


def require_skills(steps: Iterable[StepAgent], registered: Iterable[str]) -> None:
    """Fail at start-up, naming them, when steps name skills that are not registered."""
    known = set(registered)
    missing = sorted({f"{s.name}: {skill}" for s in steps for skill in s.skills if skill not in known})
    if missing:
        raise UnknownSkillError(f"steps name unregistered skills: {', '.join(missing)}")
