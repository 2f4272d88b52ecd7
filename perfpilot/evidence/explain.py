"""PostgreSQL EXPLAIN output as evidence: FORMAT JSON as PostgreSQL writes it, or the default text format.

JSON: what `EXPLAIN (FORMAT JSON) ...` returns (a list of {"Plan": ..., "Query Text"?: ...}), one
document or several (a JSON array of them, or one per line). Text: the plan as psql prints it, with
or without psql's "QUERY PLAN" header, rule and "(N rows)" footer; a line starting with EXPLAIN (psql
-e echoes the query) names the statement of the plan that follows, other lines outside a plan are
passed over. Text nodes are read into the JSON format's keys, so both give the same tree. The plans
auto_explain wrote into a PostgreSQL log (read by the workload digest) become the same records.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from perfpilot.evidence.errors import EvidenceError, read_text
from perfpilot.evidence.models import ExplainPlan
from perfpilot.workload.models import LoggedPlan

_NODE = re.compile(
    r"^(?P<indent>\s*)(?:->\s+)?(?P<name>[A-Za-z][^(]*?)\s+"
    r"\(cost=(?P<startup>[\d.]+)\.\.(?P<total>[\d.]+) rows=(?P<rows>\d+) width=(?P<width>\d+)\)"
    r"(?:\s+\(actual time=[\d.]+\.\.[\d.]+ rows=(?P<actual>[\d.]+) loops=(?P<loops>\d+)\)"
    r"|\s+\(actual rows=(?P<actual_only>[\d.]+) loops=(?P<loops_only>\d+)\)|\s+\(never executed\))?\s*$"
)
_USING = re.compile(r"^(?P<type>.+?) using (?P<index>\S+)(?: on (?P<relation>\S+))?")
_ON = re.compile(r"^(?P<type>.+?) on (?P<relation>\S+)")
_DETAIL = re.compile(r"^\s*(?P<key>[A-Z][A-Za-z ]+?):\s+(?P<value>.*)$")
_SORT_SPACE = re.compile(r"^(?P<method>.+?)\s+(?P<space>Disk|Memory):\s+(?P<kb>\d+)kB")
_BATCHES = re.compile(r"Batches:\s+(?P<batches>\d+)")
_EXPLAIN_PREFIX = re.compile(r"^\s*EXPLAIN(\s*\([^)]*\)|\s+ANALYZE|\s+VERBOSE)*\s+", re.IGNORECASE)
_PSQL_DECORATION = re.compile(r"^\s*(QUERY PLAN|-+|\(\d+ rows?\))\s*$")


def _node(match: re.Match[str]) -> dict[str, Any]:
    name = match["name"].strip()
    node: dict[str, Any] = {}
    if name.startswith("Parallel "):
        name, node["Parallel Aware"] = name[len("Parallel "):], True
    using, on = _USING.match(name), _ON.match(name)
    if using:
        name, node["Index Name"] = using["type"], using["index"]
        if using["relation"]:
            node["Relation Name"] = using["relation"]
    elif on and on["type"] in {"Bitmap Index Scan"}:
        name, node["Index Name"] = on["type"], on["relation"]
    elif on:
        name, node["Relation Name"] = on["type"], on["relation"]
    node.update({
        "Node Type": name, "Startup Cost": float(match["startup"]), "Total Cost": float(match["total"]),
        "Plan Rows": float(match["rows"]), "Plan Width": int(match["width"]), "Plans": [],
    })
    actual, loops = match["actual"] or match["actual_only"], match["loops"] or match["loops_only"]
    if actual is not None:
        node["Actual Rows"], node["Actual Loops"] = float(actual), int(loops)
    return node


def _detail(node: dict[str, Any], key: str, value: str) -> None:
    if key == "Sort Method" and (space := _SORT_SPACE.match(value)):
        node["Sort Method"], node["Sort Space Type"] = space["method"], space["space"]
        node["Sort Space Used"] = int(space["kb"])
    elif key == "Buckets" and (batches := _BATCHES.search(value)):
        node["Hash Batches"] = int(batches["batches"])
    elif key.startswith("Rows Removed by"):
        node[key] = float(value.split()[0])
    else:
        node.setdefault(key, value)


def _text_plans(text: str, source: str) -> list[ExplainPlan]:
    plans: list[ExplainPlan] = []
    stack: list[tuple[int, dict[str, Any]]] = []
    current: tuple[int, str | None] = (0, None)  # where the plan being read starts, and its statement
    pending: tuple[int, str] | None = None  # an echoed EXPLAIN line waiting for its plan

    def close() -> None:
        if stack:
            root = stack[0][1]
            plans.append(ExplainPlan(source=source, line=current[0], format="text", statement=current[1],
                                     analyzed="Actual Rows" in root, plan=root))

    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or _PSQL_DECORATION.match(line):
            continue
        if line.lstrip().upper().startswith("EXPLAIN"):
            close()
            stack = []
            pending = (number, _EXPLAIN_PREFIX.sub("", line).strip().rstrip(";"))
            continue
        found = _NODE.match(line)
        if found:
            node = _node(found)
            arrow = line.find("->")
            if arrow < 0:  # a root: a new plan starts
                close()
                stack, current, pending = [(len(found["indent"]), node)], pending or (number, None), None
                continue
            while len(stack) > 1 and stack[-1][0] >= arrow:
                stack.pop()
            if not stack:
                raise EvidenceError(source, number, "a plan node (->) with no root node above it")
            stack[-1][1]["Plans"].append(node)
            stack.append((arrow, node))
        elif stack and (detail := _DETAIL.match(line)):
            indent = len(line) - len(line.lstrip())
            owners = [node for column, node in stack if column < indent]
            if owners:  # else a line of the whole plan (Planning Time, Execution Time): not a node's
                _detail(owners[-1], detail["key"], detail["value"].strip())
    close()
    return plans


def _json_plans(text: str, source: str) -> list[ExplainPlan]:
    try:
        documents: list[Any] = [json.loads(text)]
    except json.JSONDecodeError:
        documents = []
        for number, line in enumerate(text.splitlines(), 1):
            if line.strip():
                try:
                    documents.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise EvidenceError(source, number, f"not JSON: {exc.msg}") from None
    items: list[Any] = []
    for document in documents:
        items.extend(document if isinstance(document, list) else [document])
    plans = []
    for item in items:
        if isinstance(item, list) and len(item) == 1:
            item = item[0]  # EXPLAIN (FORMAT JSON) returns a one-element list per statement
        if not isinstance(item, dict) or not isinstance(item.get("Plan"), dict):
            raise EvidenceError(source, None, "not EXPLAIN (FORMAT JSON) output: no \"Plan\" object")
        plan = item["Plan"]
        plans.append(ExplainPlan(
            source=source, format="json", statement=item.get("Query Text"),
            analyzed="Actual Rows" in plan or "Execution Time" in item, plan=plan,
        ))
    return plans


def parse_explain(text: str, source: str) -> list[ExplainPlan]:
    """The plans of EXPLAIN output (JSON or text, told by the first character)."""
    stripped = text.lstrip()
    plans = _json_plans(stripped, source) if stripped[:1] in ("[", "{") else _text_plans(text, source)
    if not plans:
        raise EvidenceError(source, None, "no EXPLAIN plan found")
    return plans


def load_explain(path: Path, *, source: str) -> list[ExplainPlan]:
    """The plans of one EXPLAIN output file."""
    return parse_explain(read_text(path, source), source)


def logged_plan(logged: LoggedPlan, source: str) -> ExplainPlan:
    """A plan auto_explain wrote into a server log, as evidence: its log line, its statement."""
    plan = parse_explain(logged.text, source)[0]
    return plan.model_copy(update={"line": logged.line, "statement": logged.statement or plan.statement})
