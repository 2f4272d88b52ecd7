"""The what-if interface: the cost of a query under a hypothetical index configuration, cached."""

from __future__ import annotations

from abc import ABC, abstractmethod

from perfpilot.skills.database_optimization.catalog.models import Catalog
from perfpilot.skills.database_optimization.indexes.candidates import IndexCandidate, QueryUse
from perfpilot.skills.database_optimization.indexes.models import AdviceMethod

Config = frozenset[IndexCandidate]


class WhatIf(ABC):
    """Answers 'what would this query cost with these extra indexes?'; counts the uncached requests."""

    method: AdviceMethod = "heuristic"

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.calls = 0
        self._costs: dict[tuple[str, Config], tuple[float, frozenset[IndexCandidate]]] = {}
        self._sizes: dict[IndexCandidate, float] = {}

    def evaluate(self, use: QueryUse, config: Config) -> tuple[float, frozenset[IndexCandidate]]:
        """(cost, the candidates of `config` the plan uses) for one query, cached by (query, config)."""
        relevant = frozenset(c for c in config if c.table in use.tables)
        key = (use.shape_id, relevant)
        if key not in self._costs:
            self.calls += 1
            self._costs[key] = self._explain(use, relevant)
        return self._costs[key]

    def cached(self, use: QueryUse, config: Config) -> bool:
        """True when `evaluate(use, config)` would be answered without a request."""
        return (use.shape_id, frozenset(c for c in config if c.table in use.tables)) in self._costs

    def evaluate_many(
        self, pairs: list[tuple[QueryUse, Config]]
    ) -> list[tuple[float, frozenset[IndexCandidate]]]:
        """`evaluate` for several (query, configuration) pairs; uncached ones may run concurrently."""
        keys = [
            (use.shape_id, frozenset(c for c in config if c.table in use.tables)) for use, config in pairs
        ]
        missing: dict[tuple[str, Config], QueryUse] = {}
        for (use, _), key in zip(pairs, keys, strict=True):
            if key not in self._costs and key not in missing:
                missing[key] = use
        if missing:
            self.calls += len(missing)
            results = self._explain_many([(use, key[1]) for key, use in missing.items()])
            self._costs.update(zip(missing, results, strict=True))
        return [self._costs[key] for key in keys]

    def _explain_many(
        self, items: list[tuple[QueryUse, Config]]
    ) -> list[tuple[float, frozenset[IndexCandidate]]]:
        return [self._explain(use, config) for use, config in items]

    def cost(self, use: QueryUse, config: Config) -> float:
        return self.evaluate(use, config)[0]

    def size_bytes(self, candidate: IndexCandidate) -> float:
        if candidate not in self._sizes:
            self._sizes[candidate] = self._size(candidate)
        return self._sizes[candidate]

    @abstractmethod
    def _explain(self, use: QueryUse, config: Config) -> tuple[float, frozenset[IndexCandidate]]:
        """Cost of `use` with `config` added, and which of `config` the plan uses."""

    def _size(self, candidate: IndexCandidate) -> float:
        return estimated_index_bytes(self.catalog, candidate)

    def close(self) -> None:
        """Release what the evaluator holds (connections, sandboxes)."""
        self._costs.clear()


def estimated_index_bytes(catalog: Catalog, candidate: IndexCandidate) -> float:
    """Rows x (key and INCLUDE widths + 8-byte tuple header + 6-byte row pointer), over a 90% fill factor.

    Column widths come from the catalog's statistics (avg_width) and default to 8 bytes.
    """
    table = catalog.table(candidate.table)
    rows = float(table.row_count or 0) if table else 0.0
    width = 0.0
    for name in (*candidate.columns, *candidate.include):
        column = table.column(name) if table else None
        width += column.avg_width if column and column.avg_width else 8.0
    return max(8192.0, rows * (width + 14.0) / 0.9)
