"""Deterministic assembly of each step's artifact from the skill outputs of that step."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel

from perfpilot.agents.assembly.analysis import assemble_analysis
from perfpilot.agents.assembly.optimization import assemble_optimization
from perfpilot.agents.assembly.profiling import assemble_profiling
from perfpilot.agents.assembly.validation import assemble_validation
from perfpilot.agents.session import StepSession
from perfpilot.agents.step import StepName

ASSEMBLERS: dict[StepName, Callable[[StepSession], BaseModel]] = {
    "profiling": assemble_profiling,
    "analysis": assemble_analysis,
    "optimization": assemble_optimization,
    "validation": assemble_validation,
}


def assemble(session: StepSession) -> BaseModel:
    """The step's artifact built from what its skills computed."""
    return ASSEMBLERS[session.step.name](session)
