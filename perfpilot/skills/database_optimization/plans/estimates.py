"""Planner row estimates against what an EXPLAIN ANALYZE (or auto_explain with log_analyze) saw, per scan.

A scan of a table with a condition (Filter, Index Cond, Recheck Cond) is where table statistics decide the
estimate. Two readings, per loop as PostgreSQL reports them:
- The scan ran to completion: the estimate error is estimated rows / actual rows (either direction).
- The scan sits under a Limit, which stops it once enough rows came up: its actual rows say how many
  the Limit wanted, not how many match. What it saw is the share of examined rows that passed the filter,
  actual / (actual + removed by filter). The planner's share is its estimated rows over the rows it
  believed the scan reads; that count is the table's row count when the catalog knows it, otherwise
  bounded by the scan's own cost: every row a scan reads costs at least cpu_tuple_cost (0.01 by default),
  so it read at most total cost / 0.01 rows, and its estimated share is at least rows / that bound.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from perfpilot.skills.database_optimization.catalog.models import Catalog
from perfpilot.skills.database_optimization.plans.rows import NodeRows, walk_plan

CPU_TUPLE_COST = 0.01
"""PostgreSQL's default cpu_tuple_cost: the least a scan's cost grows per row it reads."""
SCAN_NODES = frozenset({
    "Seq Scan", "Index Scan", "Index Only Scan", "Bitmap Heap Scan", "Tid Scan", "Tid Range Scan",
})
CONDITION_KEYS = ("Filter", "Index Cond", "Recheck Cond", "TID Cond")


@dataclass(frozen=True)
class ScanEstimate:
    """One scan's row estimate against what ran: `factor` is how many times off it was (>= 1)."""

    relation: str
    node_type: str
    condition: str
    estimated_rows: float
    actual_rows: float
    removed_rows: float
    loops: float
    stopped_early: bool
    factor: float
    direction: str
    """'over' when the planner expected more rows than there were, 'under' when fewer."""
    reading: str
    """How the factor was read, in words a person checks against the plan."""


def _number(node: dict[str, Any], key: str) -> float:
    value = node.get(key)
    return float(value) if isinstance(value, int | float) else 0.0


def _condition(node: dict[str, Any]) -> str:
    return " AND ".join(str(node[key]) for key in CONDITION_KEYS if node.get(key))


def _table_rows(catalog: Catalog | None, relation: str) -> float | None:
    table = catalog.table(relation) if catalog is not None else None
    return float(table.row_count) if table is not None and table.row_count else None


def _completed(node: dict[str, Any], relation: str, condition: str, rows: NodeRows) -> ScanEstimate:
    """Estimate against actual rows: per loop, or in all for a parallel scan each process ran once
    (plan rows there are per process, plans/rows.py)."""
    if rows.parallel and rows.once_per_process and rows.actual_total is not None:
        estimated, actual, removed = rows.planned_total, rows.actual_total, rows.removed_total
        reading = (
            f"estimated {estimated:,.0f} rows in all ({rows.planned:,.0f} per process over "
            f"{rows.processes:g}), {actual:,.0f} came up from {rows.loops:g} processes"
        )
    else:
        estimated, actual = _number(node, "Plan Rows"), _number(node, "Actual Rows")
        removed = _number(node, "Rows Removed by Filter")
        reading = f"estimated {estimated:,.0f} rows per loop, {actual:,.0f} came up"
    over = max(estimated, 1.0) >= max(actual, 1.0)
    factor = max(estimated, 1.0) / max(actual, 1.0) if over else max(actual, 1.0) / max(estimated, 1.0)
    return ScanEstimate(
        relation, str(node.get("Node Type")), condition, estimated, actual, removed,
        _number(node, "Actual Loops") or 1.0, False, factor, "over" if over else "under", reading,
    )


def _stopped(
    node: dict[str, Any], relation: str, condition: str, catalog: Catalog | None
) -> ScanEstimate | None:
    estimated, actual = _number(node, "Plan Rows"), _number(node, "Actual Rows")
    removed = _number(node, "Rows Removed by Filter")
    if removed <= 0 or actual <= 0:
        return None  # nothing filtered out: the rows it examined say nothing about the estimate
    known = _table_rows(catalog, relation)
    read_bound = known if known is not None else _number(node, "Total Cost") / CPU_TUPLE_COST
    if read_bound <= 0:
        return None
    estimated_share = min(1.0, estimated / read_bound)
    seen_share = actual / (actual + removed)
    basis = (
        f"of the table's {known:,.0f} rows" if known is not None
        else f"of at most {read_bound:,.0f} rows its cost allows it to read"
    )
    return ScanEstimate(
        relation, str(node.get("Node Type")), condition, estimated, actual, removed,
        _number(node, "Actual Loops") or 1.0, True, estimated_share / seen_share if seen_share else 1.0,
        "over" if estimated_share >= seen_share else "under",
        f"estimated {estimated:,.0f} matching rows (at least {estimated_share:.1%} {basis}); under a "
        f"Limit it read {actual + removed:,.0f} rows and {actual:,.0f} passed ({seen_share:.4%})",
    )


def scan_estimates(plan: dict[str, Any], catalog: Catalog | None = None) -> list[ScanEstimate]:
    """The row estimates of an analyzed plan's conditioned table scans (never-executed scans left out)."""
    found: list[ScanEstimate] = []
    for node, _, rows, stopped in walk_plan(plan):
        relation = node.get("Relation Name")
        condition = _condition(node)
        if node.get("Node Type") not in SCAN_NODES or not relation or not condition:
            continue
        if "Actual Rows" not in node or not _number(node, "Actual Loops"):
            continue
        estimate = (
            _stopped(node, str(relation), condition, catalog)
            if stopped
            else _completed(node, str(relation), condition, rows)
        )
        if estimate is not None:
            found.append(estimate)
    return found
