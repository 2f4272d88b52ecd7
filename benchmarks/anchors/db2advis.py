"""DB2Advis, after Valentin, Zuliani, Zilio, Lohman and Skelley, "DB2 Advisor: An Optimizer Smart Enough
to Recommend Its Own Indexes", ICDE 2000 (implemented here from the paper's description).

1. Candidates per query: every index of up to `max_width` attributes, in every order, over the
   attributes the query filters, joins, sorts or groups on in one table (the syntactically relevant ones).
2. One what-if request per query with all its candidates at once: the indexes the optimizer's plan uses
   are the query's recommendation, and the query's benefit (cost without indexes minus cost with them)
   is credited to each index it recommends, times the query's frequency.
3. Knapsack, greedily: indexes in descending benefit per byte; each one is taken if it still fits the
   storage budget.
4. Variations (the paper's TRY_VARIATIONS): `variations` times, swap a few chosen indexes for unchosen
   ones at random (seeded) and keep the swap if it fits and lowers the workload's what-if cost.
"""

from __future__ import annotations

import itertools
import random

from benchmarks.anchors.surface import IndexCandidate, QueryUse, WhatIf
from benchmarks.anchors.workload import indexable_attributes, query_costs, workload_cost


def syntactic_candidates(use: QueryUse, max_width: int) -> frozenset[IndexCandidate]:
    """All ordered attribute lists of 1..max_width indexable attributes per table of one query."""
    found: set[IndexCandidate] = set()
    for table, columns in indexable_attributes(use).items():
        for width in range(1, min(max_width, len(columns)) + 1):
            found.update(IndexCandidate(table, key) for key in itertools.permutations(columns, width))
    return frozenset(found)


def recommended_benefits(uses: list[QueryUse], whatif: WhatIf, max_width: int) -> dict[IndexCandidate, float]:
    """Index -> the summed benefit of the queries whose all-candidates plan uses it."""
    pairs = [(u, syntactic_candidates(u, max_width)) for u in uses]
    empty = whatif.evaluate_many([(u, frozenset()) for u in uses])
    full = whatif.evaluate_many(pairs)
    benefit: dict[IndexCandidate, float] = {}
    for use, (base, _), (cost, used) in zip(uses, empty, full, strict=True):
        gain = (base - cost) * use.count
        if gain <= 0:
            continue
        for index in used:
            benefit[index] = benefit.get(index, 0.0) + gain
    return benefit


def _fits(config: list[IndexCandidate], whatif: WhatIf, budget_bytes: float) -> bool:
    return sum(whatif.size_bytes(c) for c in config) <= budget_bytes


def select(
    uses: list[QueryUse],
    whatif: WhatIf,
    *,
    budget_bytes: float,
    max_width: int = 2,
    variations: int = 0,
    swap_size: int = 2,
    seed: int = 2000,
) -> list[IndexCandidate]:
    """The indexes DB2Advis picks, by descending benefit per byte."""
    benefit = recommended_benefits(uses, whatif, max_width)
    ranked = sorted(benefit, key=lambda c: (-benefit[c] / max(whatif.size_bytes(c), 1.0), c))
    chosen: list[IndexCandidate] = []
    used = 0.0
    for index in ranked:
        size = whatif.size_bytes(index)
        if used + size <= budget_bytes:
            chosen.append(index)
            used += size
    if variations <= 0 or not chosen:
        return chosen
    rng = random.Random(seed)
    best = workload_cost(uses, query_costs(uses, whatif, chosen))
    for _ in range(variations):
        spare = [c for c in ranked if c not in chosen]
        if not spare:
            break
        count = min(swap_size, len(chosen), len(spare))
        out = rng.sample(chosen, count)
        trial = [c for c in chosen if c not in out] + rng.sample(spare, count)
        if not _fits(trial, whatif, budget_bytes):
            continue
        cost = workload_cost(uses, query_costs(uses, whatif, trial))
        if cost < best:
            best, chosen = cost, trial
    return chosen
