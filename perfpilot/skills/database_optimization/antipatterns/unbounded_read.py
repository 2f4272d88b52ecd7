"""Unbounded reads: a SELECT with neither WHERE nor LIMIT returns the whole table to the caller."""

from __future__ import annotations

from sqlglot import exp

from perfpilot.skills.database_optimization.antipatterns.model import AntiPattern, Severity
from perfpilot.skills.database_optimization.antipatterns.terms import catalog_table
from perfpilot.skills.database_optimization.catalog import Catalog
from perfpilot.skills.database_optimization.shape_models import ShapeAnalysis
from perfpilot.skills.database_optimization.shape_walk import top_level_selects

CHECK_ID = "unbounded_read"
LARGE_TABLE_ROWS = 100_000
SMALL_TABLE_ROWS = 10_000


def check(analysis: ShapeAnalysis, catalog: Catalog | None) -> list[AntiPattern]:
    tree = analysis.tree
    if tree is None or analysis.statement != "select" or analysis.has_where or analysis.limit is not None:
        return []
    selects = list(top_level_selects(tree))
    if not selects or all(_single_row(s) for s in selects):
        return []
    found: list[AntiPattern] = []
    for name in analysis.table_names():
        table = catalog_table(catalog, name)
        rows = table.row_count if table is not None else None
        if rows is not None and rows < SMALL_TABLE_ROWS:
            continue
        severity: Severity = "low" if rows is None else ("high" if rows >= LARGE_TABLE_ROWS else "medium")
        size = f"{rows:,} rows" if rows is not None else "a table of unknown size"
        found.append(AntiPattern(
            check=CHECK_ID, severity=severity, table=name,
            detail=f"SELECT without WHERE or LIMIT returns all of {name} ({size}) on every call.",
            rewrite="Filter on an indexed column and page with LIMIT plus keyset pagination; if every row is "
            "truly needed, stream it with a server-side cursor, or cache the result.",
        ))
    return found


def _single_row(select: exp.Select) -> bool:
    """An aggregate without GROUP BY returns one row (still a scan, but not an unbounded result)."""
    return select.args.get("group") is None and bool(select.expressions) and all(
        e.find(exp.AggFunc) is not None for e in select.expressions
    )
