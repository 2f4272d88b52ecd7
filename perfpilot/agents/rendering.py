"""Compact text renderings of artifacts and skill outputs: what a model reads, and what is charged."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from perfpilot.artifacts import Finding
from perfpilot.skills.base import SkillOutput


def finding_line(f: Finding) -> dict[str, Any]:
    """The fields of a finding a planner needs to rank and choose (not its full evidence)."""
    line: dict[str, Any] = {
        "id": f.id,
        "kind": f.kind,
        "layer": f.layer,
        "subject": f.subject,
        "impact": round(f.impact, 3),
        "priority": f.priority,
        "complexity": f.complexity,
        "title": f.title,
    }
    if f.estimate is not None:
        line["estimate"] = (
            f"{f.estimate.metric}: {f.estimate.current:g} -> {f.estimate.expected:g} {f.estimate.unit}"
        ).strip()
    if f.remediation is not None:
        line["fix"] = f"{f.remediation.kind}: {f.remediation.title}"
    return line


MAX_ITEMS = 5
MAX_TEXT = 240
MAX_DEPTH = 4


def compact(value: Any, depth: int = 0) -> Any:
    """A smaller copy of JSON data: long lists keep their first items and a count, long text is cut,
    deep nesting is summarised, empty values are dropped."""
    if isinstance(value, dict):
        if depth >= MAX_DEPTH:
            return f"{{{len(value)} fields}}"
        return {k: compact(v, depth + 1) for k, v in value.items() if v not in (None, [], {}, "")}
    if isinstance(value, list):
        items = [compact(v, depth + 1) for v in value[:MAX_ITEMS]]
        return items + ([f"... {len(value) - MAX_ITEMS} more"] if len(value) > MAX_ITEMS else [])
    if isinstance(value, str) and len(value) > MAX_TEXT:
        return value[:MAX_TEXT] + "..."
    if isinstance(value, float):
        return round(value, 4)
    return value


def render_skill_output(output: SkillOutput) -> str:
    """JSON a model reads after a skill call: findings by impact first, then the skill's own figures."""
    data = output.model_dump(mode="json", exclude={"findings"}, exclude_none=True)
    findings = sorted(output.findings, key=lambda f: (-f.impact, f.id))
    body = {"findings": [finding_line(f) for f in findings[:12]], **compact(data)}
    if len(findings) > 12:
        body["more_findings"] = len(findings) - 12
    return json.dumps(body, separators=(",", ":"), default=str)


def render_artifact(artifact: BaseModel) -> str:
    """The compact form of an artifact a model would write at submit (ids and judgements, not evidence)."""
    data = artifact.model_dump(mode="json", exclude_none=True)
    for key in ("findings",):
        if key in data:
            data[key] = [{k: f.get(k) for k in ("id", "priority", "complexity")} for f in data[key]]
    if "changes" in data:
        data["changes"] = [
            {k: c.get(k) for k in ("id", "group", "effort_days", "risk")} for c in data["changes"]
        ]
    if "bottlenecks" in data:
        data["bottlenecks"] = [{k: b.get(k) for k in ("id", "layer", "impact")} for b in data["bottlenecks"]]
    # computed by the skills, never written by a model (its submit is a judgement: agents/judgements.py):
    # figures and comparisons, the validator's ROI and undecided targets, the files the configurator wrote
    computed_keys = ("baseline", "comparisons", "endpoints", "slo_breaches", "live_profile", "roi")
    for computed in (*computed_keys, "hot_functions", "after_profile", "undecided", "artifacts"):
        data.pop(computed, None)
    return json.dumps(compact(data), separators=(",", ":"), default=str)
