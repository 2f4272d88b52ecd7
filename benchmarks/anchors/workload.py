"""What the anchors share: each query's indexable attributes per table, and the workload's cost."""

from __future__ import annotations

from collections.abc import Iterable

from benchmarks.anchors.surface import IndexCandidate, QueryUse, WhatIf


def indexable_attributes(use: QueryUse) -> dict[str, list[str]]:
    """Table -> the columns the query filters, joins, sorts or groups on, sorted by name.

    The anchors read queries with the same parser as perfpilot, so the comparison isolates the selection.
    """
    return {table: sorted(t.indexable) for table, t in use.tables.items() if t.indexable}


def relevant(use: QueryUse, config: Iterable[IndexCandidate]) -> frozenset[IndexCandidate]:
    """The indexes of `config` on tables the query reads."""
    return frozenset(c for c in config if c.table in use.tables)


def query_costs(uses: list[QueryUse], whatif: WhatIf, config: Iterable[IndexCandidate]) -> dict[str, float]:
    """Each query's what-if cost with `config` hypothetical (one batch of requests)."""
    chosen = frozenset(config)
    results = whatif.evaluate_many([(u, relevant(u, chosen)) for u in uses])
    return {u.shape_id: cost for u, (cost, _) in zip(uses, results, strict=True)}


def workload_cost(uses: list[QueryUse], costs: dict[str, float]) -> float:
    """Frequency-weighted sum of per-query costs."""
    return sum(costs[u.shape_id] * u.count for u in uses)
