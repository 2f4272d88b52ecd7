"""Greedy index selection under a storage budget, re-evaluating benefit after every pick.

1. Usefulness (as DB2Advis does): for each query, make all its candidates hypothetical at once, then only
   its single-column ones, and keep the indexes the planner's plans use. Later what-if requests for a
   query consider only chosen indexes from that useful set and their extensions (same leading columns).
2. Greedy (as Extend does): each round, every pool candidate is tried as a new index, or as a wider
   replacement of a chosen index it extends; its benefit is the frequency-weighted planner cost saved
   over the queries it can serve, minus the write penalty. The move with the best benefit per byte (or
   the best benefit, in the second pass) that fits the budget and saves at least `min_benefit` of the
   workload cost is taken. Both passes run; the configuration with the lower workload cost wins.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from perfpilot.skills.database_optimization.candidates import IndexCandidate, QueryUse
from perfpilot.skills.database_optimization.whatif import Config, WhatIf

Penalty = Callable[[IndexCandidate], float]


@dataclass
class Selection:
    """The chosen indexes with the per-query costs before and after."""

    chosen: list[IndexCandidate]
    base_costs: dict[str, float]
    final_costs: dict[str, float]
    size_bytes: float
    benefit_of: dict[IndexCandidate, float] = field(default_factory=dict)


def _extends(wide: IndexCandidate, narrow: IndexCandidate) -> bool:
    return (
        wide.table == narrow.table
        and wide != narrow
        and len(wide.columns) > len(narrow.columns)
        and wide.columns[: len(narrow.columns)] == narrow.columns
    )


class GreedySelector:
    """Runs the two greedy passes over one what-if evaluator."""

    def __init__(
        self,
        uses: list[QueryUse],
        candidates: list[IndexCandidate],
        whatif: WhatIf,
        *,
        budget_bytes: float | None,
        min_benefit: float,
        penalty: Penalty,
    ) -> None:
        self.uses = uses
        self.whatif = whatif
        self.budget = budget_bytes
        self.min_benefit = min_benefit
        self.penalty = penalty
        self.base = {u.shape_id: whatif.cost(u, frozenset()) for u in uses}
        self.total_base = sum(self.base[u.shape_id] * u.count for u in uses) or 1.0
        self.closure = self._usefulness(candidates)
        self.pool = sorted(set().union(*self.closure.values())) if self.closure else []

    def _serves(self, use: QueryUse, candidate: IndexCandidate) -> bool:
        table = use.tables.get(candidate.table)
        return table is not None and candidate.columns[0] in table.indexable

    def _usefulness(self, candidates: list[IndexCandidate]) -> dict[str, set[IndexCandidate]]:
        closure: dict[str, set[IndexCandidate]] = {}
        for use in self.uses:
            mine = [c for c in candidates if self._serves(use, c)]
            useful: set[IndexCandidate] = set()
            if mine:
                useful |= self.whatif.evaluate(use, frozenset(mine))[1]
                singles = frozenset(c for c in mine if len(c.columns) == 1 and not c.include)
                if singles:
                    useful |= self.whatif.evaluate(use, singles)[1]
            closure[use.shape_id] = useful | {c for c in mine for u in useful if _extends(c, u)}
        return closure

    def _costs(self, config: set[IndexCandidate], uses: list[QueryUse]) -> dict[str, float]:
        return {u.shape_id: self.whatif.cost(u, frozenset(config & self.closure[u.shape_id])) for u in uses}

    def run(self, by_ratio: bool) -> Selection:
        config: set[IndexCandidate] = set()
        costs = dict(self.base)
        size = 0.0
        benefit_of: dict[IndexCandidate, float] = {}
        while True:
            best: tuple[float, IndexCandidate, set[IndexCandidate], dict[str, float], float, float] | None = (
                None
            )
            for candidate in self.pool:
                if candidate in config:
                    continue
                replaced = {p for p in config if _extends(candidate, p)}
                if any(_extends(p, candidate) for p in config):
                    continue
                delta = self.whatif.size_bytes(candidate) - sum(self.whatif.size_bytes(p) for p in replaced)
                if self.budget is not None and size + delta > self.budget:
                    continue
                touched = {candidate, *replaced}
                affected = [u for u in self.uses if touched & self.closure[u.shape_id]]
                new_config = (config - replaced) | {candidate}
                new_costs = self._costs(new_config, affected)
                gain = sum((costs[u.shape_id] - new_costs[u.shape_id]) * u.count for u in affected)
                gain -= self.penalty(candidate) - sum(self.penalty(p) for p in replaced)
                if gain < self.min_benefit * self.total_base or gain <= 0:
                    continue
                score = gain / max(delta, 8192.0) if by_ratio else gain
                if best is None or score > best[0]:
                    best = (score, candidate, replaced, new_costs, delta, gain)
            if best is None:
                break
            _, candidate, replaced, new_costs, delta, gain = best
            config = (config - replaced) | {candidate}
            costs.update(new_costs)
            size += delta
            benefit_of[candidate] = gain + sum(benefit_of.pop(p, 0.0) for p in replaced)
        chosen = sorted(config, key=lambda c: -benefit_of.get(c, 0.0))
        return Selection(chosen, dict(self.base), costs, size, benefit_of)

    def best(self) -> Selection:
        """The better of the benefit-per-byte and the absolute-benefit passes."""
        passes = [self.run(by_ratio=True), self.run(by_ratio=False)]

        def workload(selection: Selection) -> float:
            return sum(selection.final_costs[u.shape_id] * u.count for u in self.uses)

        return min(passes, key=workload)


def config_of(selection: Selection) -> Config:
    return frozenset(selection.chosen)
