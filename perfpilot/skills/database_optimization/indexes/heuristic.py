"""What-if costs without a database (a DDL-only catalog): a documented rows-touched heuristic.

Per table a query touches: with no usable index, all its rows. An index is usable when its leading
columns are the query's equality (or join) columns on that table, optionally followed by one range
column; each matched equality keeps 1/n_distinct of the rows (n_distinct from statistics when known,
else 1/10), a range keeps 1/4, or the share an analyzed plan measured for a range on that column
(Column.range_share); touching costs twice the matched rows (index + table) plus log2(rows).
The query's cost is the sum over its tables, so only filters and joins on indexed keys count.

Order and LIMIT (single-table SELECTs only, where the plan is a scan of that one table): when the
query has an ORDER BY on the table, a plan that does not deliver that order sorts the matching rows,
which costs one more touch per row sorted (SORT_COST_PER_ROW). An index delivers the order when its
columns after the matched equality prefix (no range column) are the ORDER BY columns in order, all
ascending or all descending (a backward scan serves the reverse). Such an index needs no sort and,
with a literal LIMIT k (plus OFFSET) and no GROUP BY / DISTINCT / aggregate, stops after k rows: it
touches min(matched rows, k). So for `WHERE status = $1 ORDER BY created_at LIMIT 50`, the index
(status, created_at) touches 50 rows and (status) sorts every row with that status.
"""

from __future__ import annotations

import math

from perfpilot.skills.database_optimization.catalog.models import Table
from perfpilot.skills.database_optimization.indexes.candidates import (
    IndexCandidate,
    QueryUse,
    TableUse,
    unique_keys,
)
from perfpilot.skills.database_optimization.indexes.keys import canonical_key, key_column
from perfpilot.skills.database_optimization.indexes.models import AdviceMethod
from perfpilot.skills.database_optimization.indexes.whatif import Config, WhatIf

DEFAULT_ROWS = 1000.0
SORT_COST_PER_ROW = 1.0
DEFAULT_RANGE_SHARE = 0.25


def _selectivity(table: Table, column: str, rows: float, by_value: bool) -> float:
    """1 / distinct values of the key: one row for a key that alone is unique, compared with a value
    (`by_value`; a join key stays at its estimate, the heuristic does not model loops); an expression key
    (`lower(email)`) is taken to have as many distinct values as its column; 1/10 when unknown."""
    if by_value and canonical_key(column) in unique_keys(table, "postgres"):
        return 1.0 / max(rows, 1.0)  # a primary key or unique constraint: one row per value
    found = table.column(key_column(column) or column)
    distinct = found.n_distinct if found else None
    if distinct is None or distinct == 0:
        return 0.1
    values = -distinct * rows if distinct < 0 else distinct
    return 1.0 / max(values, 1.0)


def _range_share(table: Table, column: str) -> float:
    """Share of rows a range on the column keeps: measured in an analyzed plan when known, else 1/4."""
    found = table.column(key_column(column) or column)
    return found.range_share if found is not None and found.range_share is not None else DEFAULT_RANGE_SHARE


def _equality_fraction(table: Table, use: TableUse, rows: float) -> float:
    """Share of rows passing the equality (and join) filters, whichever plan reads them."""
    fraction = 1.0
    for column in sorted({*use.equality, *use.join}):
        fraction *= _selectivity(table, column, rows, column in use.equality)
    return fraction


def _order_on(use: QueryUse, table: str) -> tuple[str, ...] | None:
    """The ORDER BY columns when an index on `table` could deliver that order, else None."""
    if len(use.tables) != 1 or not use.order_by or any(t != table for t, _, _ in use.order_by):
        return None
    if len({desc for _, _, desc in use.order_by}) > 1:
        return None  # mixed directions: a plain B-tree scan delivers neither
    return tuple(column for _, column, _ in use.order_by)


def _index_rows(
    table: Table,
    use: TableUse,
    columns: tuple[str, ...],
    rows: float,
    order: tuple[str, ...] | None = None,
    limit: int | None = None,
) -> float | None:
    """Rows an index on `columns` touches for this use (plus any sort), or None when it cannot serve it."""
    keys = {*use.equality, *use.join}
    fraction = 1.0
    matched = 0
    ranged = False
    for column in columns:
        if column in keys:
            fraction *= _selectivity(table, column, rows, column in use.equality)
            matched += 1
        elif column in use.range:
            fraction *= _range_share(table, column)
            matched += 1
            ranged = True
            break
        else:
            break
    if matched == 0:
        return None
    touched = max(1.0, rows * fraction)
    if order is not None:
        delivered = not ranged and columns[matched : matched + len(order)] == order
        if not delivered:
            return 2.0 * touched + SORT_COST_PER_ROW * touched + math.log2(rows + 1)
        if limit is not None:
            touched = min(touched, max(1.0, float(limit)))
    return 2.0 * touched + math.log2(rows + 1)


def _scan_rows(table: Table, use: TableUse, rows: float, order: tuple[str, ...] | None) -> float:
    """A full scan reads every row; with an ORDER BY it also sorts the rows that pass the filters."""
    if order is None:
        return rows
    return rows + SORT_COST_PER_ROW * max(1.0, rows * _equality_fraction(table, use, rows))


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
            order = _order_on(use, name)
            limit = use.limit if order is not None and not use.grouped else None
            best = _scan_rows(table, table_use, rows, order)
            best_candidate: IndexCandidate | None = None
            for index in table.indexes:
                keys = tuple(canonical_key(c, self.catalog.dialect) for c in index.columns)
                touched = _index_rows(table, table_use, keys, rows, order, limit)
                if touched is not None and touched < best:
                    best, best_candidate = touched, None
            for candidate in sorted(config):  # sorted: ties resolve the same way in every process
                if candidate.table != name:
                    continue
                touched = _index_rows(table, table_use, candidate.columns, rows, order, limit)
                if touched is not None and touched < best:
                    best, best_candidate = touched, candidate
            total += best
            if best_candidate is not None:
                used.add(best_candidate)
        return total, frozenset(used)
