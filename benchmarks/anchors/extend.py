"""Extend, after Schlosser, Kossmann and Boissier, "Efficient Scalable Multi-Attribute Index Selection
Using Recursive Strategies", ICDE 2019 (implemented here from the paper's description).

The configuration grows one step at a time. Each step weighs two kinds of move:

- a new single-attribute index on an attribute some query filters, joins, sorts or groups on;
- the extension of a chosen index by one more attribute (appended at the end), which then replaces it;
  the appended attribute must occur in a query that uses every attribute of the index (our reading
  of the paper's restriction to attributes queried together; it keeps the move set small).

Each move is scored by the workload cost it saves per byte it adds, (C(I) - C(I')) / (M(I') - M(I)),
and the best move that fits the storage budget is taken. The algorithm stops when no move that fits
lowers the workload cost. Widths are capped at `max_width`. Costs are what-if costs: this module asks
the evaluator it is given (HypoPG in the benchmark) and never reads data.
"""

from __future__ import annotations

from dataclasses import dataclass

from benchmarks.anchors.surface import IndexCandidate, QueryUse, WhatIf
from benchmarks.anchors.workload import indexable_attributes, relevant, workload_cost


@dataclass(frozen=True)
class Move:
    """Add `index`, dropping `replaced` (the narrower index it extends) when there is one."""

    index: IndexCandidate
    replaced: IndexCandidate | None = None


def _moves(uses: list[QueryUse], config: set[IndexCandidate], max_width: int) -> list[Move]:
    attributes = {u.shape_id: indexable_attributes(u) for u in uses}
    singles = sorted(
        {
            IndexCandidate(table, (column,))
            for a in attributes.values()
            for table, cs in a.items()
            for column in cs
        }
    )
    moves = [
        Move(c)
        for c in singles
        if not any(k.table == c.table and k.columns[0] == c.columns[0] for k in config)
    ]
    for index in sorted(config):
        if len(index.columns) >= max_width:
            continue
        extra: set[str] = set()
        for use in uses:
            columns = attributes[use.shape_id].get(index.table, [])
            if set(index.columns) <= set(columns):
                extra.update(c for c in columns if c not in index.columns)
        for column in sorted(extra):
            wider = IndexCandidate(index.table, (*index.columns, column))
            if wider not in config:
                moves.append(Move(wider, index))
    return moves


def select(
    uses: list[QueryUse],
    whatif: WhatIf,
    *,
    budget_bytes: float,
    max_width: int = 2,
) -> list[IndexCandidate]:
    """The indexes Extend picks, in the order it picked (or last extended) them."""
    config: set[IndexCandidate] = set()
    order: list[IndexCandidate] = []
    start = whatif.evaluate_many([(u, frozenset()) for u in uses])
    costs = {u.shape_id: cost for u, (cost, _) in zip(uses, start, strict=True)}
    size = 0.0
    while True:
        best: tuple[float, Move, float, dict[str, float]] | None = None
        current = workload_cost(uses, costs)
        moves = _moves(uses, config, max_width)
        requests: list[tuple[QueryUse, frozenset[IndexCandidate]]] = []
        spans: list[tuple[Move, list[QueryUse]]] = []
        for move in moves:
            after = (config - {move.replaced}) | {move.index} if move.replaced else config | {move.index}
            touched = [u for u in uses if move.index.table in u.tables]
            spans.append((move, touched))
            requests += [(u, relevant(u, after)) for u in touched]
        results = iter(whatif.evaluate_many(requests))
        for move, touched in spans:
            new_costs = dict(costs)
            for use in touched:
                new_costs[use.shape_id] = next(results)[0]
            saved = current - workload_cost(uses, new_costs)
            added = whatif.size_bytes(move.index) - (
                whatif.size_bytes(move.replaced) if move.replaced else 0.0
            )
            if saved <= 0 or size + added > budget_bytes:
                continue
            ratio = saved / max(added, 1.0)
            if best is None or ratio > best[0]:
                best = (ratio, move, added, new_costs)
        if best is None:
            return order
        _, move, added, costs = best
        if move.replaced is not None:
            config.discard(move.replaced)
            order.remove(move.replaced)
        config.add(move.index)
        order.append(move.index)
        size += added
