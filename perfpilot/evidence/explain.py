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
_JOIN = re.compile(r"^(?P<type>Nested Loop|Hash|Merge)(?: (?P<join>Left|Right|Full|Semi|Anti|Right Anti))?"
                   r"(?: Join)?$")
_AGGREGATE = {"Aggregate": "Plain", "HashAggregate": "Hashed", "GroupAggregate": "Sorted",
              "MixedAggregate": "Mixed"}
_MODIFY = frozenset({"Insert", "Update", "Delete", "Merge"})
_RELATION_SCANS = frozenset({
    "Seq Scan", "Index Scan", "Index Only Scan", "Bitmap Heap Scan", "Tid Scan", "Tid Range Scan",
    "Sample Scan", "Foreign Scan", "ModifyTable",
})
_WORKER = re.compile(r"^\s*Worker (?P<number>\d+):\s+(?P<rest>.*)$")
_INTEGER_DETAILS = frozenset({"Workers Planned", "Workers Launched"})
# A HashAggregate's line "Planned Partitions: 4  Batches: 1365  Memory Usage: 169kB  Disk Usage: 17528kB"
_HASHAGG_FIELDS = {"Planned Partitions": "Planned Partitions", "Batches": "HashAgg Batches",
                   "Memory Usage": "Peak Memory Usage", "Disk Usage": "Disk Usage"}
_HASHAGG = re.compile(r"(Planned Partitions|Batches|Memory Usage|Disk Usage):\s+(\d+)")
_EXPLAIN_PREFIX = re.compile(r"^\s*EXPLAIN(\s*\([^)]*\)|\s+ANALYZE|\s+VERBOSE)*\s+", re.IGNORECASE)
_PSQL_DECORATION = re.compile(r"^\s*(QUERY PLAN|-+|\(\d+ rows?\))\s*$")


def _node_type(name: str, node: dict[str, Any]) -> str:
    """The JSON format's "Node Type" of a text node name, the rest of the name moved into its JSON keys
    ("Parallel Hash Join" -> Hash Join, Parallel Aware; "Partial HashAggregate" -> Aggregate, Partial
    Mode, Strategy; "Nested Loop Left Join" -> Nested Loop, Join Type; "Update" -> ModifyTable ...)."""
    for prefix, key, value in (("Parallel ", "Parallel Aware", True), ("Partial ", "Partial Mode", "Partial"),
                               ("Finalize ", "Partial Mode", "Finalize")):
        if name.startswith(prefix):
            name, node[key] = name[len(prefix):], value
    if name.endswith(" Backward"):
        name, node["Scan Direction"] = name[: -len(" Backward")], "Backward"
    if name in _AGGREGATE:
        node["Strategy"] = _AGGREGATE[name]
        node.setdefault("Partial Mode", "Simple")
        return "Aggregate"
    if name in _MODIFY:
        node["Operation"] = name
        return "ModifyTable"
    join = _JOIN.match(name)
    if join and (join["join"] or name != "Hash"):
        node["Join Type"] = join["join"] or "Inner"
        return "Nested Loop" if join["type"] == "Nested Loop" else f"{join['type']} Join"
    return name


def _node(match: re.Match[str]) -> dict[str, Any]:
    name = match["name"].strip()
    node: dict[str, Any] = {}
    using, on = _USING.match(name), _ON.match(name)
    if using:
        name, node["Index Name"] = using["type"], using["index"]
        if using["relation"]:
            node["Relation Name"] = using["relation"]
    elif on and on["type"] in {"Bitmap Index Scan"}:
        name, node["Index Name"] = on["type"], on["relation"]
    elif on:
        name, target = on["type"], on["relation"]
        if _node_type(name, {}) in _RELATION_SCANS:
            node["Relation Name"] = target
        else:
            node["Alias"] = target
    name = _node_type(name, node)
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
    elif key in ("Planned Partitions", "Batches") and node.get("Node Type") == "Aggregate":
        node.update(_hashagg(f"{key}: {value}"))
    elif key.startswith("Rows Removed by"):
        node[key] = float(value.split()[0])
    elif key in _INTEGER_DETAILS and value.isdigit():
        node[key] = int(value)
    else:
        node.setdefault(key, value)


def _hashagg(text: str) -> dict[str, int]:
    """A hash aggregate's figures; the text format leaves out partitions and disk use when zero."""
    found = {"Planned Partitions": 0, "Disk Usage": 0}
    found.update({_HASHAGG_FIELDS[name]: int(number) for name, number in _HASHAGG.findall(text)})
    return found


def _worker_detail(line: str, worker: re.Match[str], stack: list[tuple[int, dict[str, Any]]]) -> None:
    """A "Worker N:" line: the worker's sort or hash aggregate (JSON lists them under "Workers")."""
    indent = len(line) - len(line.lstrip())
    owners = [node for column, node in stack if column < indent]
    rest = worker["rest"]
    sort = re.match(r"Sort Method:\s+(?P<rest>.*)$", rest)
    entry: dict[str, Any] = {}
    if sort and (space := _SORT_SPACE.match(sort["rest"])):
        entry = {"Sort Method": space["method"], "Sort Space Used": int(space["kb"]),
                 "Sort Space Type": space["space"]}
    elif rest.startswith(("Planned Partitions:", "Batches:")):
        entry = _hashagg(rest)
    if owners and entry:
        owners[-1].setdefault("Workers", []).append({"Worker Number": int(worker["number"]), **entry})


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
        elif stack and (worker := _WORKER.match(line)):
            _worker_detail(line, worker, stack)
        elif stack and (detail := _DETAIL.match(line)):
            indent = len(line) - len(line.lstrip())
            owners = [node for column, node in stack if column < indent]
            if owners:  # else a line of the whole plan (Planning Time, Execution Time): not a node's
                _detail(owners[-1], detail["key"], detail["value"].strip())
    close()
    return plans


_NUMERIC_FIELDS = (
    "Startup Cost", "Total Cost", "Plan Rows", "Plan Width", "Actual Rows", "Actual Loops",
    "Rows Removed by Filter", "Rows Removed by Join Filter", "Workers Planned", "Workers Launched",
    "Hash Batches", "Sort Space Used",
)


def _check_node(node: Any, where: str, source: str) -> None:
    """A JSON plan node as PostgreSQL writes it, or an EvidenceError naming the node's path and field."""
    if not isinstance(node, dict):
        raise EvidenceError(source, None, f"{where}: a plan node must be a JSON object")
    if not isinstance(node.get("Node Type"), str):
        raise EvidenceError(source, None, f'{where}: no "Node Type" text')
    for key in _NUMERIC_FIELDS:
        value = node.get(key)
        if key in node and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise EvidenceError(source, None, f'{where}: "{key}" is {json.dumps(value)[:40]}, not a number')
    children = node.get("Plans", [])
    if not isinstance(children, list):
        raise EvidenceError(source, None, f'{where}: "Plans" must be a list of plan nodes')
    for index, child in enumerate(children):
        _check_node(child, f"{where} > Plans[{index}]", source)


def _json_documents(text: str, source: str) -> list[Any]:
    """One JSON document, or one per line; a broken one is named by its line and column."""
    try:
        return [json.loads(text)]
    except json.JSONDecodeError as whole:
        documents: list[Any] = []
        for number, line in enumerate(text.splitlines(), 1):
            if line.strip():
                try:
                    documents.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    if number == 1 and len(text.splitlines()) > 1:  # one document over many lines
                        raise EvidenceError(
                            source, whole.lineno, f"not JSON: {whole.msg} (column {whole.colno})"
                        ) from None
                    raise EvidenceError(source, number, f"not JSON: {exc.msg}") from None
        return documents


def _json_plans(text: str, source: str) -> list[ExplainPlan]:
    items: list[Any] = []
    for document in _json_documents(text, source):
        items.extend(document if isinstance(document, list) else [document])
    plans = []
    for position, item in enumerate(items, 1):
        if isinstance(item, list) and len(item) == 1:
            item = item[0]  # EXPLAIN (FORMAT JSON) returns a one-element list per statement
        if not isinstance(item, dict) or not isinstance(item.get("Plan"), dict):
            raise EvidenceError(source, None, "not EXPLAIN (FORMAT JSON) output: no \"Plan\" object")
        plan = item["Plan"]
        _check_node(plan, f"plan {position}: Plan", source)
        statement = item.get("Query Text")
        plans.append(ExplainPlan(
            source=source, format="json", statement=statement if isinstance(statement, str) else None,
            analyzed="Actual Rows" in plan or "Execution Time" in item, plan=plan,
            settings=item["Settings"] if isinstance(item.get("Settings"), dict) else None,
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
