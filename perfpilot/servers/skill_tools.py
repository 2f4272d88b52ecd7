"""Each registered skill as an MCP tool whose input schema is the skill's own pydantic input model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.mcpserver.tools.base import Tool
from mcp.server.mcpserver.utilities.func_metadata import ArgModelBase, FuncMetadata
from mcp.types import ToolAnnotations
from pydantic import Field, create_model

from perfpilot.skills.registry import RegisteredSkill

TARGET_HELP = "Path of the target.yaml whose evidence the skill reads"


def skill_tool(registered: RegisteredSkill, workdir: Path) -> Tool:
    """A read-only tool running the skill on a target's recorded evidence (apply is always 'none')."""
    input_model = registered.skill.input_model
    arguments = create_model(
        f"{input_model.__name__}ToolArguments",
        __base__=(input_model, ArgModelBase),
        target=(str, Field(description=TARGET_HELP)),
    )

    def run_skill(**kwargs: Any) -> str:
        from perfpilot.evidence.load import load_evidence
        from perfpilot.skills.base import SkillContext
        from perfpilot.target import TargetError, load_target

        target = kwargs.pop("target")
        try:
            spec = load_target(Path(target))
        except TargetError as exc:
            raise ToolError(str(exc)) from None
        context = SkillContext(evidence=load_evidence(spec), workdir=workdir / registered.name, apply="none")
        output: str = registered.skill.invoke(kwargs, context).model_dump_json(exclude_none=True)
        return output

    return Tool(
        fn=run_skill,
        name=registered.name,
        title=registered.name,
        description=registered.description,
        parameters=arguments.model_json_schema(by_alias=True),
        fn_metadata=FuncMetadata(arg_model=arguments),
        is_async=False,
        annotations=ToolAnnotations(read_only_hint=True, destructive_hint=False, open_world_hint=False),
    )
