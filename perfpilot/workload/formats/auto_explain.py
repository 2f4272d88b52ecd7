"""auto_explain entries of a PostgreSQL log: `duration: X ms  plan:` and the tab-indented plan below it.

PostgreSQL 15's auto_explain writes the plan in the message's continuation lines, in the format
auto_explain.log_format names. JSON: one document {"Query Text": ..., "Plan": {...}} (plus "Triggers",
"JIT" with some options). Text: `Query Text: <statement>` (its own lines continue it), optionally
`Query Identifier:` / `Query Parameters:` / `Settings:` lines, then the plan as EXPLAIN prints it. The
statement is kept apart (redacted) and the plan text left for the EXPLAIN reader.
"""

from __future__ import annotations

import json
import re

from perfpilot.redaction import redact
from perfpilot.workload.models import LoggedPlan

PLAN_MESSAGE = re.compile(r"duration: ([0-9.]+) ms  ?plan:\s*$")
_PLAN_NODE = re.compile(r"\(cost=[\d.]+\.\.[\d.]+ rows=\d+ width=\d+\)")
_HEADER = re.compile(r"^(Query Identifier|Query Parameters|Settings):")
_QUERY_TEXT = "Query Text:"


class UnreadablePlan(ValueError):
    """The lines under a `plan:` message are neither an auto_explain JSON document nor a text plan."""


def _json_plan(body: str, line: int, duration_s: float) -> LoggedPlan:
    try:
        document = json.loads(body)
    except json.JSONDecodeError as exc:
        raise UnreadablePlan(f"auto_explain JSON plan: {exc.msg}") from None
    if not isinstance(document, dict) or not isinstance(document.get("Plan"), dict):
        raise UnreadablePlan('auto_explain JSON plan without a "Plan" object')
    statement = document.get("Query Text")
    return LoggedPlan(
        line=line,
        duration_s=duration_s,
        format="json",
        text=json.dumps({"Plan": document["Plan"]}),
        statement=redact(statement) if isinstance(statement, str) else None,
    )


def _text_plan(parts: list[str], line: int, duration_s: float) -> LoggedPlan:
    statement: list[str] = []
    plan: list[str] = []
    in_statement = False
    for part in parts:
        if plan or _PLAN_NODE.search(part):
            plan.append(part)
        elif part.startswith(_QUERY_TEXT):
            statement, in_statement = [part[len(_QUERY_TEXT):].strip()], True
        elif _HEADER.match(part):
            in_statement = False
        elif in_statement:
            statement.append(part)
    if not plan:
        raise UnreadablePlan("auto_explain plan neither JSON nor text (log_format xml and yaml are not read)")
    text = "\n".join(statement).strip()
    return LoggedPlan(
        line=line, duration_s=duration_s, format="text", text="\n".join(plan), statement=redact(text) or None
    )


def logged_plan(parts: list[str], line: int, duration_s: float) -> LoggedPlan:
    """The plan of one auto_explain message from its continuation lines (leading tab removed)."""
    body = "\n".join(parts).strip()
    if body.startswith("{"):
        return _json_plan(body, line, duration_s)
    return _text_plan(parts, line, duration_s)
