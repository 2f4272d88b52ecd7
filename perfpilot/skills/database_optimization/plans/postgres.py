"""EXPLAIN a statement on PostgreSQL (FORMAT JSON) and summarise the plan: nodes, total cost, issues."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from perfpilot.skills.database_optimization.catalog.models import Catalog
from perfpilot.skills.database_optimization.plans.rows import NodeRows, node_rows, number, walk_plan

LARGE_TABLE_ROWS = 10_000
NESTED_LOOP_ROWS = 10_000
SELECTIVE_SHARE = 0.05
"""A filter keeping at most this share of the rows a scan reads is selective enough for an index."""
MISESTIMATE_FACTOR = 10.0
HASH_MEM_MULTIPLIER = 2.0

IssueKind = Literal["seq_scan_large", "sort_spill", "hash_spill", "nested_loop_many", "misestimate"]


class PlanModel(BaseModel):
    """Base for plan records."""

    model_config = ConfigDict(extra="forbid")


class PlanNode(PlanModel):
    """One plan node, flattened (depth gives the tree shape)."""

    node_type: str
    depth: int = 0
    relation: str | None = None
    index: str | None = None
    rows: float = 0
    width: int = 0
    total_cost: float = 0
    actual_rows: float | None = None
    """Actual Rows as EXPLAIN ANALYZE prints them: the average per loop."""
    loops: float | None = None
    detail: str = ""
    parallel_aware: bool = False
    planned_total_rows: float | None = None
    """The planner's rows across a parallel part's processes (rows x parallel divisor), else rows."""
    actual_total_rows: float | None = None
    """Actual rows in all: actual_rows x loops."""


class PlanIssue(PlanModel):
    """Something in a plan worth a look, with the figures that triggered it."""

    kind: IssueKind
    relation: str | None = None
    message: str
    rows: float = 0


class PlanReport(PlanModel):
    """The summary of one EXPLAIN: total cost (PostgreSQL units, or the SQLite proxy), nodes, issues."""

    dialect: str
    statement: str
    total_cost: float
    analyzed: bool = False
    nodes: list[PlanNode] = Field(default_factory=list)
    issues: list[PlanIssue] = Field(default_factory=list)


_OUTSIDE_QUOTES = r"(?=(?:[^']*'[^']*')*[^']*$)"
_PLACEHOLDER = re.compile(r"(?:\$\d+\b|\?|%s)" + _OUTSIDE_QUOTES)


def substitute_parameters(sql: str, literal: str = "1") -> str:
    """Replace `$n`, `?` and `%s` placeholders (outside quoted literals) with a representative literal."""
    return _PLACEHOLDER.sub(literal, sql)


def explain_postgres(
    conn: Any, sql: str, *, catalog: Catalog | None = None, analyze: bool = False
) -> PlanReport:
    """EXPLAIN (FORMAT JSON) one statement; `analyze=True` runs it (callers allow that on sandboxes only)."""
    statement = substitute_parameters(sql.strip().rstrip(";"))
    options = "ANALYZE, BUFFERS, FORMAT JSON" if analyze else "FORMAT JSON"
    row = conn.execute(f"EXPLAIN ({options}) {statement}").fetchone()
    document = row[0] if not isinstance(row[0], str) else json.loads(row[0])
    work_mem = _work_mem_bytes(conn)
    return summarise_postgres_plan(
        document[0]["Plan"], statement, catalog=catalog, analyzed=analyze, work_mem_bytes=work_mem
    )


def plan_cost(conn: Any, sql: str) -> float:
    """Only the planner's total cost of a statement (the what-if measure)."""
    row = conn.execute(f"EXPLAIN (FORMAT JSON) {sql}").fetchone()
    document = row[0] if not isinstance(row[0], str) else json.loads(row[0])
    return float(document[0]["Plan"]["Total Cost"])


def _work_mem_bytes(conn: Any) -> int:
    value = conn.execute("SELECT setting::bigint * 1024 FROM pg_settings WHERE name = 'work_mem'").fetchone()
    return int(value[0]) if value else 4 * 1024 * 1024


def _misestimate(rows: NodeRows) -> tuple[float, float, str] | None:
    """(estimated, actual, basis) when the node's rows are off by MISESTIMATE_FACTOR either way."""
    if rows.actual is None or not rows.loops:
        return None
    if rows.parallel and rows.once_per_process and rows.actual_total is not None:
        estimate, actual = rows.planned_total, rows.actual_total
        basis = f" in all over {rows.loops:g} processes"
    else:
        estimate, actual = rows.planned, rows.actual
        basis = " per loop" if rows.loops > 1 else ""
    ratio = max(actual, 1.0) / max(estimate, 1.0)
    if max(actual, estimate) >= 100 and (ratio > MISESTIMATE_FACTOR or ratio < 1 / MISESTIMATE_FACTOR):
        return max(estimate, 1.0), actual, basis
    return None


def summarise_postgres_plan(
    plan: dict[str, Any],
    statement: str,
    *,
    catalog: Catalog | None = None,
    analyzed: bool = False,
    work_mem_bytes: int = 4 * 1024 * 1024,
    settings: dict[str, Any] | None = None,
) -> PlanReport:
    """Flatten a JSON plan and detect large sequential scans, spills, big nested loops, misestimates.

    Row counts are read as PostgreSQL means them (plans/rows.py): per loop, per process in a parallel
    part; totals multiply by loops. A misestimate is reported where it starts: at the lowest node off
    by the factor, not again at every node above that inherits the error.
    """
    walked = list(walk_plan(plan, settings))
    wrong = {id(node) for node, _, rows, stopped in walked if analyzed and not stopped and _misestimate(rows)}
    nodes: list[PlanNode] = []
    issues: list[PlanIssue] = []
    for node, depth, rows, stopped in walked:
        kind = str(node.get("Node Type", "?"))
        relation = node.get("Relation Name")
        flat = PlanNode(
            node_type=kind,
            depth=depth,
            relation=relation,
            index=node.get("Index Name"),
            parallel_aware=node.get("Parallel Aware") is True,
            rows=rows.planned,
            planned_total_rows=rows.planned_total,
            width=int(number(node, "Plan Width")),
            total_cost=number(node, "Total Cost"),
            actual_rows=rows.actual,
            loops=rows.loops if rows.actual is not None else None,
            actual_total_rows=rows.actual_total,
            detail=str(node.get("Filter") or node.get("Index Cond") or node.get("Hash Cond") or ""),
        )
        nodes.append(flat)
        issues.extend(_node_issues(node, flat, rows, catalog, analyzed, work_mem_bytes, stopped))
        children = [c for c in node.get("Plans", []) or [] if isinstance(c, dict)]
        if id(node) in wrong and not any(id(child) in wrong for child in children):
            issues.extend(_misestimate_issue(flat, rows))
    return PlanReport(
        dialect="postgres",
        statement=statement,
        total_cost=number(plan, "Total Cost"),
        analyzed=analyzed,
        nodes=nodes,
        issues=issues,
    )


def _table_rows(catalog: Catalog | None, relation: str | None) -> float | None:
    table = catalog.table(relation) if catalog and relation else None
    return float(table.row_count) if table and table.row_count is not None else None


def _spill(
    kind: IssueKind, flat: PlanNode, rows: float, analyzed: bool, seen: str | None, limit: float,
    estimated: Callable[[float], str],
) -> Iterator[PlanIssue]:
    """A spill EXPLAIN ANALYZE saw (`seen`), or, in a plain EXPLAIN, rows x width over `limit` bytes."""
    if analyzed and seen is not None:
        yield PlanIssue(kind=kind, relation=flat.relation, rows=rows, message=seen)
    elif not analyzed and rows * max(flat.width, 1) > limit:
        yield PlanIssue(kind=kind, relation=flat.relation, rows=rows,
                        message=estimated(rows * flat.width / 1048576))


def _sort_disk(node: dict[str, Any]) -> tuple[float, int]:
    """kB a sort wrote to disk in all (the leader's and each worker's), and in how many processes."""
    total, processes = 0.0, 0
    for part in [node, *[w for w in node.get("Workers", []) or [] if isinstance(w, dict)]]:
        method = str(part.get("Sort Method", ""))
        if part.get("Sort Space Type") == "Disk" or "external" in method:
            total += number(part, "Sort Space Used")
            processes += 1
    return total, processes


def _seq_scan(node: dict[str, Any], flat: PlanNode, rows: NodeRows, catalog: Catalog | None,
              analyzed: bool, stopped: bool) -> Iterator[PlanIssue]:
    known = _table_rows(catalog, flat.relation)
    read = (rows.actual_total or 0.0) + rows.removed_total if analyzed and rows.actual is not None else None
    table_rows = known if known is not None else read if read is not None else rows.planned_total
    if table_rows <= LARGE_TABLE_ROWS:
        return
    processes = f" in {rows.loops:g} processes" if rows.parallel and rows.loops > 1 else ""
    if read is not None and not stopped and flat.detail and read > 0:
        kept = rows.actual_total or 0.0
        share = kept / read
        advice = (
            ": a selective filter, so an index on the filtered columns would read only the matching rows"
            if share <= SELECTIVE_SHARE else ""
        )
        message = (
            f"sequential scan of {flat.relation} read {read:,.0f} rows{processes} and kept {kept:,.0f} "
            f"({share:.3%}) with filter {flat.detail}{advice}"
        )
    else:
        filtered = f" filtering on {flat.detail}" if flat.detail else ""
        message = f"sequential scan of {flat.relation} ({table_rows:,.0f} rows){filtered}"
    yield PlanIssue(kind="seq_scan_large", relation=flat.relation, rows=table_rows, message=message)


def _node_issues(
    node: dict[str, Any], flat: PlanNode, rows: NodeRows, catalog: Catalog | None, analyzed: bool,
    work_mem: int, stopped: bool = False,
) -> Iterator[PlanIssue]:
    """`stopped`: a Limit above may end the node early, so its actual rows say little about the table."""
    kind = flat.node_type
    if kind == "Seq Scan":
        yield from _seq_scan(node, flat, rows, catalog, analyzed, stopped)
    elif kind in {"Sort", "Incremental Sort"}:
        method = str(node.get("Sort Method", ""))
        disk_kb, processes = _sort_disk(node)
        where = f" in all, over {processes} processes" if processes > 1 else ""
        seen = f"sort spilled to disk ({method}, {disk_kb:,.0f} kB{where})" if processes else None
        yield from _spill(
            "sort_spill", flat, rows.actual_total or rows.planned, analyzed, seen, work_mem,
            lambda mb: f"estimated sort of {mb:.1f} MB exceeds work_mem ({work_mem / 1048576:.0f} MB)",
        )
    elif kind == "Hash":
        batches = int(number(node, "Hash Batches"))
        # A Parallel Hash builds one table shared by the processes; a plain Hash one per process.
        planned = rows.planned_total if flat.parallel_aware else rows.planned
        hashed = rows.actual_total if analyzed and rows.actual_total is not None else planned
        seen = (
            f"hash of {hashed:,.0f} rows spilled to disk in {batches} batches (it did not fit in "
            "work_mem x hash_mem_multiplier)" if batches > 1 else None
        )
        yield from _spill(
            "hash_spill", flat, hashed,
            analyzed, seen, work_mem * HASH_MEM_MULTIPLIER,
            lambda mb: f"estimated hash table of {mb:.1f} MB exceeds memory",
        )
    elif kind == "Nested Loop":
        yield from _nested_loop(node, rows, analyzed)
    elif kind == "Aggregate" and analyzed:
        yield from _hashagg_spill(node, rows)


def _hashagg_spill(node: dict[str, Any], rows: NodeRows) -> Iterator[PlanIssue]:
    """A hash aggregate that wrote batches to disk (PostgreSQL 13+): in the leader and each worker."""
    parts = [node, *[w for w in node.get("Workers", []) or [] if isinstance(w, dict)]]
    spilled = [p for p in parts if number(p, "HashAgg Batches") > 1 or number(p, "Disk Usage") > 0]
    if not spilled:
        return
    batches = sum(number(p, "HashAgg Batches") for p in spilled)
    disk_kb = sum(number(p, "Disk Usage") for p in spilled)
    where = f" over {len(spilled)} processes" if len(spilled) > 1 else ""
    groups = rows.actual_total if rows.actual_total is not None else rows.planned
    yield PlanIssue(
        kind="hash_spill", rows=groups,
        message=f"hash aggregate of {groups:,.0f} groups spilled to disk: {batches:,.0f} batches, "
        f"{disk_kb:,.0f} kB written{where} (it did not fit in work_mem x hash_mem_multiplier)",
    )


def _nested_loop(node: dict[str, Any], rows: NodeRows, analyzed: bool) -> Iterator[PlanIssue]:
    """Outer rows in all: the inner side's loops when analyzed (it ran once per outer row, in every
    process), else the outer side's rows (x loops, or the planner's total over the processes)."""
    children = [c for c in node.get("Plans", []) or [] if isinstance(c, dict)]
    if not children:
        return
    outer = node_rows(children[0], rows.workers_planned)
    inner_runs = number(children[1], "Actual Loops") if analyzed and len(children) > 1 else 0.0
    if inner_runs:
        total = inner_runs
    else:
        total = outer.actual_total if analyzed and outer.actual_total is not None else outer.planned_total
    if total > NESTED_LOOP_ROWS:
        per = (
            f" ({outer.actual:,.0f} per loop x {outer.loops:g} loops)"
            if analyzed and outer.actual is not None and outer.loops > 1 else ""
        )
        yield PlanIssue(
            kind="nested_loop_many", rows=total,
            message=f"nested loop over {total:,.0f} outer rows{per}: its inner side runs once each",
        )


def _misestimate_issue(flat: PlanNode, rows: NodeRows) -> Iterator[PlanIssue]:
    found = _misestimate(rows)
    if found is None:
        return
    estimate, actual, basis = found
    yield PlanIssue(
        kind="misestimate",
        relation=flat.relation,
        rows=actual,
        message=f"{flat.node_type}{' on ' + flat.relation if flat.relation else ''}: estimated "
        f"{estimate:,.0f} rows, actual {actual:,.0f}{basis} ({_orders(estimate, actual)})",
    )


def _orders(estimate: float, actual: float) -> str:
    ratio = max(actual, 1.0) / max(estimate, 1.0)
    factor = ratio if ratio >= 1 else 1 / ratio
    return f"{factor:,.0f}x {'more' if ratio >= 1 else 'fewer'} rows than planned"
