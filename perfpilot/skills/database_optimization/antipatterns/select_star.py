"""SELECT * from a wide table: every column is read, sent and decoded, and covering indexes cannot help."""

from __future__ import annotations

from sqlglot import exp

from perfpilot.skills.database_optimization.antipatterns.model import AntiPattern
from perfpilot.skills.database_optimization.antipatterns.terms import catalog_table
from perfpilot.skills.database_optimization.catalog.models import Catalog
from perfpilot.skills.database_optimization.shapes.models import ShapeAnalysis
from perfpilot.skills.database_optimization.shapes.walk import scope_sources, top_level_selects

CHECK_ID = "select_star_wide_table"
WIDE_TABLE_COLUMNS = 8


def check(analysis: ShapeAnalysis, catalog: Catalog | None) -> list[AntiPattern]:
    if analysis.tree is None or not analysis.select_star or catalog is None:
        return []
    found: list[AntiPattern] = []
    for select in top_level_selects(analysis.tree):
        for name in _starred_tables(select):
            table = catalog_table(catalog, name)
            if table is None or len(table.columns) < WIDE_TABLE_COLUMNS:
                continue
            listed = ", ".join(c.name for c in table.columns[:6])
            found.append(AntiPattern(
                check=CHECK_ID, severity="low", table=table.name, columns=[],
                detail=f"SELECT * reads all {len(table.columns)} columns of {table.name}: more I/O and "
                "network per row, and no index-only scan is possible.",
                rewrite=f"List only the columns the caller uses (of {listed}, ...); a covering index on "
                "them then allows an index-only scan.",
            ))
    return found


def _starred_tables(select: exp.Select) -> list[str]:
    sources = scope_sources(select, set())
    names: list[str] = []
    for item in select.expressions:
        if isinstance(item, exp.Star):
            names.extend(t for t in sources.values() if t)
        elif isinstance(item, exp.Column) and item.is_star and sources.get(item.table.lower()):
            names.append(sources[item.table.lower()] or "")
    return sorted(set(names))
