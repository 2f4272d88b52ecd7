"""Expose registered skills as langchain-core tools bound to a run's context."""

from __future__ import annotations

from typing import Any

from langchain_core.tools import BaseTool, StructuredTool

from perfpilot.skills.base import SkillContext
from perfpilot.skills.registry import RegisteredSkill


def as_tool(registered: RegisteredSkill, ctx: SkillContext) -> BaseTool:
    """A langchain-core StructuredTool whose schema is the skill's input model."""

    def call(**arguments: Any) -> dict[str, Any]:
        result: dict[str, Any] = registered.skill.invoke(arguments, ctx).model_dump(mode="json")
        return result

    return StructuredTool.from_function(
        func=call,
        name=registered.name,
        description=registered.description,
        args_schema=registered.skill.input_model,
    )
