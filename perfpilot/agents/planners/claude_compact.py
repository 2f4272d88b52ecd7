"""Compact forms of what a Claude request carries: skill results, tool descriptions and JSON schemas."""

from __future__ import annotations

import json
import re
from typing import Any

from perfpilot.agents.rendering import finding_line
from perfpilot.agents.session import StepSession, ToolResult
from perfpilot.artifacts import ImplementationPlan
from perfpilot.skills.base import SkillOutput

MAX_ITEMS = 8
MAX_FINDINGS = 16
MAX_STRING_CHARS = 160
MAX_SENTENCE_CHARS = 200
DROPPED_KEYS = frozenset({"evidence", "excerpt"})
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


def first_sentence(text: str) -> str:
    """The first sentence of a description (at most MAX_SENTENCE_CHARS)."""
    first = _SENTENCE_END.split(text.strip(), maxsplit=1)[0]
    return first if len(first) <= MAX_SENTENCE_CHARS else first[: MAX_SENTENCE_CHARS - 3] + "..."


def compact_schema(node: Any, *, lean: bool = False, names: bool = False) -> Any:
    """A JSON schema without pydantic's generated `title`s (a field named title is kept); `lean` also
    drops every `description` (fields named description are kept)."""
    dropped = ("title", "description") if lean else ("title",)
    if isinstance(node, dict):
        return {
            key: compact_schema(value, lean=lean, names=not names and key in ("properties", "$defs"))
            for key, value in node.items()
            if names or not (key in dropped and isinstance(value, str))
        }
    if isinstance(node, list):
        return [compact_schema(item, lean=lean) for item in node]
    return node


def _has_ids(node: Any) -> bool:
    if isinstance(node, list):
        return any(isinstance(item, dict) and "id" in item for item in node)
    return isinstance(node, dict) and any(_has_ids(value) for value in node.values())


def _prune(node: Any) -> Any:
    if isinstance(node, dict):
        kept = {k: _prune(v) for k, v in node.items() if k not in DROPPED_KEYS}
        # Lists of items with ids go first: a model judges by id, and a cut keeps the start of the text.
        ordered = sorted(kept.items(), key=lambda kv: not _has_ids(kv[1]))
        return {k: v for k, v in ordered if v not in ({}, [], "", None)}
    if isinstance(node, list):
        items = [_prune(item) for item in node[:MAX_ITEMS]]
        return items + ([f"(+{len(node) - MAX_ITEMS} more)"] if len(node) > MAX_ITEMS else [])
    if isinstance(node, float):
        return round(node, 3) if abs(node) >= 1 else float(f"{node:.3g}")
    if isinstance(node, str) and len(node) > MAX_STRING_CHARS:
        return node[: MAX_STRING_CHARS - 3] + "..."
    return node


def compact_output(output: SkillOutput) -> str:
    """A skill's output as a model reads it: every finding's id and judgement fields by impact, then the
    skill's own figures (lists of items with ids first) with evidence excerpts dropped, long lists cut and
    numbers rounded."""
    data = output.model_dump(mode="json", exclude={"findings"}, exclude_none=True, exclude_defaults=True)
    findings = sorted(output.findings, key=lambda f: (-f.impact, f.id))
    lines: list[Any] = [_prune(finding_line(f)) for f in findings[:MAX_FINDINGS]]
    if len(findings) > MAX_FINDINGS:
        lines.append(f"(+{len(findings) - MAX_FINDINGS} lower-impact findings)")
    body = {"findings": lines, **_prune(data)}
    if not body["findings"]:
        del body["findings"]
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False, default=str)


def result_text(result: ToolResult) -> str:
    """What a request carries for one skill result: its compact output, or the loop's text for an error."""
    if result.output is None:
        text = result.rendered
        if result.error is not None and result.error not in text:
            text = f"error: {result.error}\n{text}"
        return text.strip() or "(empty)"
    return compact_output(result.output)


def draft_plan_text(session: StepSession) -> str | None:
    """The plan the loop would assemble now, when the step's judgement refers to its change ids (which no
    skill result shows): each change in the computed deployment order, with what it fixes."""
    draft = session.step.assemble(session)
    if not isinstance(draft, ImplementationPlan) or not draft.changes:
        return None
    by_id = {change.id: change for change in draft.changes}
    order = [by_id[i] for i in draft.deployment_sequence if i in by_id]
    order += [c for c in draft.changes if c.id not in draft.deployment_sequence]
    changes = [
        _prune(
            {
                "id": c.id,
                "finding": c.finding_id,
                "group": c.group,
                "title": c.title,
                "risk": c.risk,
                "days": c.effort_days,
            }
        )
        for c in order
    ]
    return json.dumps({"changes_in_order": changes}, separators=(",", ":"), ensure_ascii=False)
