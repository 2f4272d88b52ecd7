"""EXPLAIN a statement on PostgreSQL (FORMAT JSON) and summarise the plan: nodes, total cost, issues."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from perfpilot.skills.database_optimization.catalog.models import Catalog

LARGE_TABLE_ROWS = 10_000
NESTED_LOOP_ROWS = 10_000
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
    loops: float | None = None
    detail: str = ""


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


def _walk(
    plan: dict[str, Any], depth: int = 0, stopped: bool = False
) -> Iterator[tuple[dict[str, Any], int, bool]]:
    """Nodes with their depth and whether a Limit above them may stop them early."""
    yield plan, depth, stopped
    for child in plan.get("Plans", []):
        yield from _walk(child, depth + 1, stopped or plan.get("Node Type") == "Limit")


def summarise_postgres_plan(
    plan: dict[str, Any],
    statement: str,
    *,
    catalog: Catalog | None = None,
    analyzed: bool = False,
    work_mem_bytes: int = 4 * 1024 * 1024,
) -> PlanReport:
    """Flatten a JSON plan and detect large sequential scans, spills, big nested loops, misestimates."""
    nodes: list[PlanNode] = []
    issues: list[PlanIssue] = []
    for node, depth, stopped in _walk(plan):
        kind = str(node.get("Node Type", "?"))
        relation = node.get("Relation Name")
        loops = node.get("Actual Loops")
        flat = PlanNode(
            node_type=kind,
            depth=depth,
            relation=relation,
            index=node.get("Index Name"),
            rows=float(node.get("Plan Rows", 0)),
            width=int(node.get("Plan Width", 0)),
            total_cost=float(node.get("Total Cost", 0)),
            actual_rows=node.get("Actual Rows"),
            loops=loops,
            detail=str(node.get("Filter") or node.get("Index Cond") or node.get("Hash Cond") or ""),
        )
        nodes.append(flat)
        issues.extend(_node_issues(node, flat, catalog, analyzed, work_mem_bytes, stopped))
    return PlanReport(
        dialect="postgres",
        statement=statement,
        total_cost=float(plan.get("Total Cost", 0)),
        analyzed=analyzed,
        nodes=nodes,
        issues=issues,
    )


def _table_rows(catalog: Catalog | None, relation: str | None, fallback: float) -> float:
    table = catalog.table(relation) if catalog and relation else None
    return float(table.row_count) if table and table.row_count is not None else fallback


def _spill(
    kind: IssueKind, flat: PlanNode, analyzed: bool, seen: str | None, limit: float,
    estimated: Callable[[float], str],
) -> Iterator[PlanIssue]:
    """A spill EXPLAIN ANALYZE saw (`seen`), or, in a plain EXPLAIN, rows x width over `limit` bytes."""
    if analyzed and seen is not None:
        yield PlanIssue(kind=kind, rows=flat.rows, message=seen)
    elif not analyzed and flat.rows * max(flat.width, 1) > limit:
        yield PlanIssue(kind=kind, rows=flat.rows, message=estimated(flat.rows * flat.width / 1048576))


def _node_issues(
    node: dict[str, Any], flat: PlanNode, catalog: Catalog | None, analyzed: bool, work_mem: int,
    stopped: bool = False,
) -> Iterator[PlanIssue]:
    """`stopped`: a Limit above may end the node early, so its actual rows are not a misestimate."""
    kind = flat.node_type
    if kind == "Seq Scan":
        rows = _table_rows(catalog, flat.relation, flat.rows + float(node.get("Rows Removed by Filter", 0)))
        if rows > LARGE_TABLE_ROWS:
            filtered = f" filtering on {flat.detail}" if flat.detail else ""
            yield PlanIssue(
                kind="seq_scan_large",
                relation=flat.relation,
                rows=rows,
                message=f"sequential scan of {flat.relation} ({rows:,.0f} rows){filtered}",
            )
    elif kind in {"Sort", "Incremental Sort"}:
        method = str(node.get("Sort Method", ""))
        disk = "external" in method or node.get("Sort Space Type") == "Disk"
        seen = f"sort spilled to disk ({method}, {node.get('Sort Space Used', 0)} kB)" if disk else None
        yield from _spill(
            "sort_spill", flat, analyzed, seen, work_mem,
            lambda mb: f"estimated sort of {mb:.1f} MB exceeds work_mem ({work_mem / 1048576:.0f} MB)",
        )
    elif kind == "Hash":
        batches = node.get("Hash Batches")
        seen = f"hash spilled into {batches} batches" if batches and int(batches) > 1 else None
        yield from _spill(
            "hash_spill", flat, analyzed, seen, work_mem * HASH_MEM_MULTIPLIER,
            lambda mb: f"estimated hash table of {mb:.1f} MB exceeds memory",
        )
    elif kind == "Nested Loop":
        children = node.get("Plans", [])
        outer = float(children[0].get("Actual Rows" if analyzed else "Plan Rows", 0)) if children else 0.0
        if outer > NESTED_LOOP_ROWS:
            yield PlanIssue(
                kind="nested_loop_many", rows=outer, message=f"nested loop over {outer:,.0f} outer rows"
            )
    if analyzed and not stopped and flat.actual_rows is not None:
        actual = float(flat.actual_rows)
        estimate = max(flat.rows, 1.0)
        ratio = max(actual, 1.0) / estimate
        if max(actual, estimate) >= 100 and (ratio > MISESTIMATE_FACTOR or ratio < 1 / MISESTIMATE_FACTOR):
            yield PlanIssue(
                kind="misestimate",
                relation=flat.relation,
                rows=actual,
                message=f"{kind}{' on ' + flat.relation if flat.relation else ''}: estimated "
                f"{estimate:,.0f} rows, actual {actual:,.0f}",
            )
