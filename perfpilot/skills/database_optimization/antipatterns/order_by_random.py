"""ORDER BY random(): the database sorts every qualifying row to return a few."""

from __future__ import annotations

from sqlglot import exp

from perfpilot.skills.database_optimization.antipatterns.model import AntiPattern
from perfpilot.skills.database_optimization.catalog.models import Catalog
from perfpilot.skills.database_optimization.shapes.models import ShapeAnalysis

CHECK_ID = "order_by_random"

_SAMPLE = {
    "postgres": "TABLESAMPLE SYSTEM_ROWS(n) (extension tsm_system_rows), or pick a random key in "
    "[min(id), max(id)] and read WHERE id >= :random_id ORDER BY id LIMIT n",
    "mysql": "pick a random key in [MIN(id), MAX(id)] in the application and read WHERE id >= :random_id "
    "ORDER BY id LIMIT n",
    "sqlite": "WHERE rowid >= (abs(random()) % (SELECT max(rowid) FROM <table>)) ORDER BY rowid LIMIT n",
}


def check(analysis: ShapeAnalysis, catalog: Catalog | None) -> list[AntiPattern]:
    if analysis.tree is None:
        return []
    random_sorts = [o for o in analysis.tree.find_all(exp.Ordered) if isinstance(o.this, exp.Rand)]
    if not random_sorts:
        return []
    tables = analysis.table_names()
    return [AntiPattern(
        check=CHECK_ID, severity="medium", table=tables[0] if len(tables) == 1 else None,
        detail="ORDER BY a random value computes and sorts a random key for every qualifying row.",
        rewrite="Sample instead of sorting: " + _SAMPLE[analysis.dialect] + ".",
    )]
