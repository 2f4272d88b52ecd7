"""Large OFFSET pagination: the database reads and throws away every skipped row on each page."""

from __future__ import annotations

from perfpilot.skills.database_optimization.antipatterns.model import AntiPattern
from perfpilot.skills.database_optimization.catalog.models import Catalog
from perfpilot.skills.database_optimization.shapes.models import ShapeAnalysis

CHECK_ID = "large_offset_pagination"
LARGE_OFFSET = 1000


def check(analysis: ShapeAnalysis, catalog: Catalog | None) -> list[AntiPattern]:
    if analysis.offset is None or analysis.offset < LARGE_OFFSET:
        return []
    order = analysis.order_by
    tables = analysis.table_names()
    if order:
        keys = ", ".join(o.column.column for o in order)
        last = ", ".join(f":last_{o.column.column}" for o in order)
        op = "<" if order[0].descending else ">"
        rewrite = (f"Keyset pagination: remember the last row's ({keys}) and ask "
                   f"WHERE ({keys}) {op} ({last}) "
                   f"ORDER BY {keys} LIMIT {analysis.limit or 'n'} instead of OFFSET {analysis.offset}; "
                   f"add a unique column to the sort key if ({keys}) is not unique.")
    else:
        rewrite = ("Order by a unique key (e.g. the primary key), then use keyset pagination: "
                   "WHERE id > :last_id "
                   f"ORDER BY id LIMIT {analysis.limit or 'n'} instead of OFFSET {analysis.offset}.")
    return [AntiPattern(
        check=CHECK_ID, severity="high" if analysis.offset >= 10 * LARGE_OFFSET else "medium",
        table=tables[0] if len(tables) == 1 else None, columns=[o.column.column for o in order],
        detail=f"OFFSET {analysis.offset} makes the database produce and discard {analysis.offset} rows "
        "for this page; the cost grows with the page number.",
        rewrite=rewrite,
    )]
