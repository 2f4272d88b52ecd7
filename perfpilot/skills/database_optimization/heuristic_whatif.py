"""What-if costs without a database (a DDL-only catalog): a documented rows-touched heuristic.

Per table a query touches: with no usable index, all its rows. An index is usable when its leading
columns are the query's equality (or join) columns on that table, optionally followed by one range
column; each matched equality keeps 1/n_distinct of the rows (n_distinct from statistics when known,
else 1/10), a range keeps 1/4; touching costs twice the matched rows (index + table) plus log2(rows).
The query's cost is the sum over its tables, so only filters and joins on indexed keys count.
"""

from __future__ import annotations

import math

from perfpilot.skills.database_optimization.advice_models import AdviceMethod
from perfpilot.skills.database_optimization.candidates import IndexCandidate, QueryUse, TableUse
from perfpilot.skills.database_optimization.catalog import Table
from perfpilot.skills.database_optimization.whatif import Config, WhatIf

DEFAULT_ROWS = 1000.0


def _selectivity(table: Table, column: str, rows: float) -> float:
    found = table.column(column)
    distinct = found.n_distinct if found else None
    if distinct is None or distinct == 0:
        return 0.1
    values = -distinct * rows if distinct < 0 else distinct
    return 1.0 / max(values, 1.0)


def _index_rows(table: Table, use: TableUse, columns: tuple[str, ...], rows: float) -> float | None:
    """Rows an index on `columns` touches for this use, or None when it cannot serve it."""
    keys = {*use.equality, *use.join}
    fraction = 1.0
    matched = 0
    for column in columns:
        if column in keys:
            fraction *= _selectivity(table, column, rows)
            matched += 1
        elif column in use.range:
            fraction *= 0.25
            matched += 1
            break
        else:
            break
    if matched == 0:
        return None
    return 2.0 * max(1.0, rows * fraction) + math.log2(rows + 1)


class HeuristicWhatIf(WhatIf):
    """The catalog-only evaluator (method 'heuristic')."""

    method: AdviceMethod = "heuristic"

    def _explain(self, use: QueryUse, config: Config) -> tuple[float, frozenset[IndexCandidate]]:
        total = 0.0
        used: set[IndexCandidate] = set()
        for name, table_use in use.tables.items():
            table = self.catalog.table(name)
            if table is None:
                continue
            rows = float(table.row_count) if table.row_count is not None else DEFAULT_ROWS
            best = rows
            best_candidate: IndexCandidate | None = None
            for index in table.indexes:
                touched = _index_rows(table, table_use, tuple(index.columns), rows)
                if touched is not None and touched < best:
                    best, best_candidate = touched, None
            for candidate in sorted(config):  # sorted: ties resolve the same way in every process
                if candidate.table != name:
                    continue
                touched = _index_rows(table, table_use, candidate.columns, rows)
                if touched is not None and touched < best:
                    best, best_candidate = touched, candidate
            total += best
            if best_candidate is not None:
                used.add(best_candidate)
        return total, frozenset(used)
