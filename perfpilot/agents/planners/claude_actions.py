"""Turning a model reply into actions: only offered tools, arguments validated, refusals explained."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import structlog
from anthropic.types import Message
from pydantic import BaseModel, ValidationError

from perfpilot.agents.planners.base import Action, SkillCall, Submit
from perfpilot.agents.planners.claude_messages import SUBMIT_TOOL, offered_tools
from perfpilot.agents.session import StepSession

log = structlog.get_logger(__name__)

MAX_PROBLEM_CHARS = 1500


@dataclass
class ReadActions:
    """Actions read from a reply, and problems keyed by tool_use id ('' for the reply as a whole)."""

    actions: list[Action] = field(default_factory=list)
    problems: dict[str, str] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)


def read_actions(
    message: Message,
    session: StepSession,
    input_models: Mapping[str, type[BaseModel]],
    *,
    submit_only: bool = False,
) -> ReadActions:
    """Validated SkillCall/Submit actions; a tool outside the step's offer is refused, never returned."""
    read = ReadActions()
    offered = offered_tools(session)
    submit_only = submit_only or session.must_submit
    uses = [block for block in message.content if block.type == "tool_use"]
    if not uses:
        read.problems[""] = "No tool call in the reply: call one of the skills, or submit."
    for block in uses:
        arguments = block.input if isinstance(block.input, dict) else {}
        if block.name not in offered or (submit_only and block.name != SUBMIT_TOOL):
            allowed = (SUBMIT_TOOL,) if submit_only else offered
            read.problems[block.id] = (
                f"Refused: tool '{block.name}' is not available in step '{session.step.name}'. "
                f"Available: {', '.join(allowed)}."
            )
            log.warning("refused_tool_call", step=session.step.name, tool=block.name)
            continue
        if block.name == SUBMIT_TOOL:
            judgement, problem = _validate_model(session.step.judgement, arguments)
            if judgement is not None:
                read.actions.append(Submit(artifact=judgement))
        else:
            model = input_models.get(block.name)
            problem = (
                _validate_model(model, arguments)[1]
                if model is not None
                else _check_schema(session.tool_schemas[block.name], arguments)
            )
            if problem is None:
                read.actions.append(SkillCall(skill=block.name, arguments=dict(arguments), call_id=block.id))
        if problem is not None:
            read.problems[block.id] = f"Invalid arguments for '{block.name}': {problem}"
    submits = [action for action in read.actions if isinstance(action, Submit)]
    if submits:
        read.ignored = [a.skill for a in read.actions if isinstance(a, SkillCall)]
        read.actions = [submits[-1]]
    return read


def _validate_model(model: type[BaseModel], arguments: dict[str, Any]) -> tuple[BaseModel | None, str | None]:
    try:
        return model.model_validate(arguments), None
    except ValidationError as exc:
        return None, _summarise(exc)


def _summarise(exc: ValidationError) -> str:
    parts = [
        f"{'.'.join(str(p) for p in err['loc']) or '(root)'}: {err['msg']}"
        for err in exc.errors(include_url=False, include_input=False)
    ]
    text = "; ".join(parts)
    return text if len(text) <= MAX_PROBLEM_CHARS else text[:MAX_PROBLEM_CHARS] + " ..."


def _check_schema(schema: Mapping[str, Any], arguments: Mapping[str, Any]) -> str | None:
    """A shallow check against a JSON schema (required keys, unknown keys) when no input model is known."""
    properties = schema.get("properties", {})
    missing = [name for name in schema.get("required", []) if name not in arguments]
    unknown = (
        [name for name in arguments if name not in properties]
        if schema.get("additionalProperties") is False
        else []
    )
    problems = [f"missing required field '{name}'" for name in missing]
    problems += [f"unknown field '{name}'" for name in unknown]
    return "; ".join(problems) or None
