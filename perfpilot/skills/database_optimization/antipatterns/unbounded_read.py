"""Unbounded reads: a SELECT with neither WHERE nor LIMIT returns the whole table to the caller."""

from __future__ import annotations

from sqlglot import exp

from perfpilot.skills.database_optimization.antipatterns.model import AntiPattern, Severity
from perfpilot.skills.database_optimization.antipatterns.terms import catalog_table
from perfpilot.skills.database_optimization.catalog.models import Catalog
from perfpilot.skills.database_optimization.shapes.models import ShapeAnalysis
from perfpilot.skills.database_optimization.shapes.walk import scope_sources, top_level_selects

CHECK_ID = "unbounded_read"
LARGE_TABLE_ROWS = 100_000
SMALL_TABLE_ROWS = 10_000


def check(analysis: ShapeAnalysis, catalog: Catalog | None) -> list[AntiPattern]:
    tree = analysis.tree
    if tree is None or analysis.statement != "select" or tree.args.get("limit") is not None:
        return []
    unbounded = [
        s for s in top_level_selects(tree)
        if s.args.get("where") is None and s.args.get("limit") is None and not _single_row(s)
    ]
    names = sorted({t for s in unbounded for t in scope_sources(s, _cte_names(tree)).values() if t})
    found: list[AntiPattern] = []
    for name in names:
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


def _cte_names(tree: exp.Expr) -> set[str]:
    return {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}


def _single_row(select: exp.Select) -> bool:
    """An aggregate without GROUP BY returns one row (still a scan, but not an unbounded result)."""
    return select.args.get("group") is None and bool(select.expressions) and all(
        e.find(exp.AggFunc) is not None for e in select.expressions
    )
