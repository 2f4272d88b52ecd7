"""Greedy index selection under a storage budget, re-evaluating benefit after every pick.

1. Usefulness (as DB2Advis does): for each query, make all its candidates hypothetical at once, then (when
   that plan used a wide index) only its single-column ones, and keep the indexes the planner's plans use.
   Later what-if requests for a query consider only chosen indexes from that useful set and their
   extensions (same leading columns).
2. Greedy (as Extend does): each pool candidate is a new index, or a wider replacement of a chosen index
   it extends; an extension no plan used enters the pool once the index it extends is chosen. Its benefit
   is the frequency-weighted planner cost saved over the queries it can serve, minus the write penalty.
   The move with the best benefit per byte (or the best benefit, in the other passes) that fits the
   budget and saves at least `min_benefit` of the remaining workload cost is taken, lazily (CELF): scores
   from earlier rounds are upper bounds, re-evaluated only when on top, and a move's queries are priced a
   few at a time until its bound falls below the top. All passes run; the configuration with the lower
   workload cost wins.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable
from dataclasses import dataclass, field

from perfpilot.skills.database_optimization.indexes.candidates import IndexCandidate, QueryUse
from perfpilot.skills.database_optimization.indexes.whatif import WhatIf

Penalty = Callable[[IndexCandidate], float]
# Scores are benefit / size**e: e = 1 is benefit per byte, e = 0 plain benefit, 0.5 between the two.
SIZE_EXPONENTS = (1.0, 0.5, 0.0)
# Queries re-priced per what-if batch while a move's bound is still tightened (one per session).
PRICING_BATCH = 2


@dataclass
class Priced:
    """A move's gain (an upper bound when pricing stopped early), size delta, the chosen indexes it
    replaces and the re-priced queries' new (cost, indexes used)."""

    gain: float
    delta: float
    replaced: set[IndexCandidate]
    new_state: dict[str, tuple[float, frozenset[IndexCandidate]]]
    complete: bool


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


def _covers(covering: IndexCandidate, plain: IndexCandidate) -> bool:
    """The same key with INCLUDE columns added (an index-only scan may then skip the table)."""
    return (
        covering.table == plain.table
        and covering.columns == plain.columns
        and set(plain.include) < set(covering.include)
    )


def _widens(wide: IndexCandidate, narrow: IndexCandidate) -> bool:
    """`wide` serves every lookup `narrow` serves: more key columns after the same ones, or more INCLUDE
    columns on the same key."""
    return _extends(wide, narrow) or _covers(wide, narrow)


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
        empty = whatif.evaluate_many([(u, frozenset()) for u in uses])
        self.base = {u.shape_id: cost for u, (cost, _) in zip(uses, empty, strict=True)}
        self.total_base = sum(self.base[u.shape_id] * u.count for u in uses) or 1.0
        self.ideal: dict[str, float] = {}
        self.direct: set[IndexCandidate] = set()
        self._last_gain: dict[tuple[IndexCandidate, str], float] = {}
        self.closure = self._usefulness(candidates)
        self.pool = sorted(set().union(*self.closure.values())) if self.closure else []

    def _serves(self, use: QueryUse, candidate: IndexCandidate) -> bool:
        table = use.tables.get(candidate.table)
        return table is not None and candidate.columns[0] in table.indexable

    def _usefulness(self, candidates: list[IndexCandidate]) -> dict[str, set[IndexCandidate]]:
        """Each query's useful candidates: those its plan uses with all its candidates hypothetical,
        then, when that plan used a wide index, those it uses with only its single-column ones (a plan
        of single-column indexes alone would be found again among them), and their extensions."""
        mine = {u.shape_id: [c for c in candidates if self._serves(u, c)] for u in self.uses}
        ideal_pairs = [(u, frozenset(mine[u.shape_id])) for u in self.uses if mine[u.shape_id]]
        results = self.whatif.evaluate_many(ideal_pairs)
        used: dict[str, set[IndexCandidate]] = {u.shape_id: set() for u in self.uses}
        self.ideal = dict(self.base)
        for (use, _), (cost, plan_used) in zip(ideal_pairs, results, strict=True):
            self.ideal[use.shape_id] = min(cost, self.base[use.shape_id])
            used[use.shape_id] |= plan_used
        single_pairs = [
            (u, frozenset(c for c in mine[u.shape_id] if len(c.columns) == 1 and not c.include))
            for u, _ in ideal_pairs
            if any(len(c.columns) > 1 or c.include for c in used[u.shape_id])
        ]
        single_pairs = [p for p in single_pairs if p[1]]
        singles_used = self.whatif.evaluate_many(single_pairs)
        for (use, _), (_, plan_used) in zip(single_pairs, singles_used, strict=True):
            used[use.shape_id] |= plan_used
        self.direct = set().union(*used.values())
        return {
            u.shape_id: used[u.shape_id]
            | {c for c in mine[u.shape_id] for p in used[u.shape_id] if _extends(c, p)}
            for u in self.uses
        }

    def _costs(self, config: set[IndexCandidate], uses: list[QueryUse]) -> dict[str, float]:
        pairs = [(u, frozenset(config & self.closure[u.shape_id])) for u in uses]
        return {u.shape_id: cost for u, (cost, _) in zip(uses, self.whatif.evaluate_many(pairs), strict=True)}

    def _potential(
        self,
        use: QueryUse,
        candidate: IndexCandidate,
        replaced: set[IndexCandidate],
        state: dict[str, tuple[float, frozenset[IndexCandidate]]],
    ) -> float:
        """The most `use` can save from the move: down to its cost with every candidate at once, at
        most what the move saved it when last priced (as for whole moves, gains only shrink as indexes
        are added), and nothing when the move widens an index by columns the query never reads (the
        wider index then serves it as the narrower one did, from more pages)."""
        if replaced:
            table = use.tables.get(candidate.table)
            narrow = set().union(*(set(p.columns) | set(p.include) for p in replaced))
            added = (set(candidate.columns) | set(candidate.include)) - narrow
            if table is None or not added & (table.referenced | table.indexable):
                return 0.0
        bound = max(0.0, state[use.shape_id][0] - self.ideal[use.shape_id]) * use.count
        last = self._last_gain.get((candidate, use.shape_id))
        return bound if last is None else min(bound, max(last, 0.0))

    def _move(
        self,
        candidate: IndexCandidate,
        config: set[IndexCandidate],
        state: dict[str, tuple[float, frozenset[IndexCandidate]]],
        score: Callable[[float, float], float],
        stop_below: float,
    ) -> Priced | None:
        """What adding `candidate` saves (replacing the chosen indexes it extends), or None.

        A query is re-priced with the indexes its current plan uses plus the candidate (an atomic
        configuration): indexes the plan ignores seldom change what one more index is worth, and the
        smaller key lets the what-if cache answer most requests. Queries the cache answers are priced
        first, then the others a few at a time, those with the most to save first; once even saving
        all the rest could not lift the move's `score` to `stop_below`, pricing stops and the bound is
        returned (complete=False)."""
        if candidate in config or any(_widens(p, candidate) for p in config):
            return None
        replaced = {p for p in config if _widens(candidate, p)}
        delta = self.whatif.size_bytes(candidate) - sum(self.whatif.size_bytes(p) for p in replaced)
        penalty = self.penalty(candidate) - sum(self.penalty(p) for p in replaced)
        touched = {candidate, *replaced}
        pairs = {
            u.shape_id: (u, (state[u.shape_id][1] - replaced) | {candidate})
            for u in self.uses
            if touched & self.closure[u.shape_id]
        }
        potential = {key: self._potential(u, candidate, replaced, state) for key, (u, _) in pairs.items()}
        known = [key for key, pair in pairs.items() if self.whatif.cached(*pair)]
        unknown = sorted(set(pairs) - set(known), key=lambda key: (-potential[key], key))
        batches = [known] + [unknown[i : i + PRICING_BATCH] for i in range(0, len(unknown), PRICING_BATCH)]
        remaining = sum(potential.values())
        gain = -penalty
        new_state: dict[str, tuple[float, frozenset[IndexCandidate]]] = {}
        for index, batch in enumerate(batches):
            if index > 1 and score(gain + remaining, delta) < stop_below:
                return Priced(gain + remaining, delta, replaced, new_state, complete=False)
            for key, result in zip(batch, self.whatif.evaluate_many([pairs[k] for k in batch]), strict=True):
                use = pairs[key][0]
                new_state[key] = result
                saved = (state[key][0] - result[0]) * use.count
                self._last_gain[(candidate, key)] = saved
                gain += saved
                remaining -= potential[key]
        return Priced(gain, delta, replaced, new_state, complete=True)

    def _initial_bound(self, candidate: IndexCandidate, size_exponent: float) -> float:
        """An optimistic score before any what-if request: all that the queries it can serve would save
        with every candidate at once (their ideal configuration)."""
        gain = sum(
            (self.base[u.shape_id] - self.ideal[u.shape_id]) * u.count
            for u in self.uses
            if candidate in self.closure[u.shape_id]
        )
        return gain / float(max(self.whatif.size_bytes(candidate), 8192.0) ** size_exponent)

    def run(self, size_exponent: float) -> Selection:
        """Lazy greedy (CELF): a candidate's last score bounds its score after further picks, so only the
        best-bounded candidate is re-evaluated until one stays on top with a fresh score."""
        config: set[IndexCandidate] = set()
        self._last_gain = {}
        state = {u.shape_id: (self.base[u.shape_id], frozenset[IndexCandidate]()) for u in self.uses}
        size = 0.0
        benefit_of: dict[IndexCandidate, float] = {}
        pick = 0
        heap = [
            (-bound, -1, c)
            for c in self.pool
            if c in self.direct and (bound := self._initial_bound(c, size_exponent)) > 0
        ]
        heapq.heapify(heap)
        queued = {c for _, _, c in heap}
        deferred: list[IndexCandidate] = []
        swept_at = -1
        while heap or (deferred and swept_at != pick):
            if not heap:  # the workload got cheaper since these fell short of min_benefit: try them again
                swept_at = pick
                heap = [(-math.inf, -1, c) for c in deferred]
                heapq.heapify(heap)
                deferred = []
            _, stamp, candidate = heapq.heappop(heap)

            def score(gain: float, delta: float) -> float:
                return gain / float(max(delta, 8192.0) ** size_exponent)

            move = self._move(candidate, config, state, score, -heap[0][0] if heap else -math.inf)
            if move is None:
                continue
            gain, delta, replaced, new_state = move.gain, move.delta, move.replaced, move.new_state
            fits = self.budget is None or size + delta <= self.budget
            if gain <= 0 or not fits:
                continue  # benefits only shrink as indexes are added and sizes only grow: drop it for good
            if not move.complete:
                heapq.heappush(heap, (-score(gain, delta), -1, candidate))
                continue
            if gain < self.min_benefit * sum(state[u.shape_id][0] * u.count for u in self.uses):
                deferred.append(candidate)  # judged against what is left of the workload's cost
                continue
            if stamp != pick and heap and -heap[0][0] > score(gain, delta):
                heapq.heappush(heap, (-score(gain, delta), pick, candidate))
                continue
            config = (config - replaced) | {candidate}
            state.update(new_state)
            size += delta
            benefit_of[candidate] = gain + sum(benefit_of.pop(p, 0.0) for p in replaced)
            pick += 1
            for wider in self.pool:
                if wider not in queued and _widens(wider, candidate):
                    queued.add(wider)
                    heapq.heappush(heap, (-math.inf, -1, wider))  # Extend's move: evaluated next
        final = self._costs(config, self.uses)
        chosen = sorted(config, key=lambda c: -benefit_of.get(c, 0.0))
        return Selection(chosen, dict(self.base), final, size, benefit_of)

    def best(self) -> Selection:
        """The better of the benefit-per-byte and the absolute-benefit passes, consolidated."""
        passes = [self.run(size_exponent) for size_exponent in SIZE_EXPONENTS]

        def workload(selection: Selection) -> float:
            return sum(selection.final_costs[u.shape_id] * u.count for u in self.uses)

        return self.consolidate(min(passes, key=workload))

    def _costs_without(
        self, config: set[IndexCandidate], index: IndexCandidate, twins: list[IndexCandidate],
        costs: dict[str, float],
    ) -> dict[str, float]:
        """Per-query costs once `index` is dropped: only the queries it can serve are re-priced, with
        the chosen indexes useful to them plus its twins (same leading key), which may take over."""
        served = [u for u in self.uses if index in self.closure[u.shape_id]]
        rest = config - {index}
        pairs = [(u, frozenset(rest & (self.closure[u.shape_id] | set(twins)))) for u in served]
        results = self.whatif.evaluate_many(pairs)
        return {**costs, **{u.shape_id: cost for u, (cost, _) in zip(served, results, strict=True)}}

    def consolidate(self, selection: Selection) -> Selection:
        """Drop a chosen index when another chosen one on its table leads with the same key and takes
        over its shapes: what it still saves beside the other (less its write penalty) must clear
        `min_benefit` of the workload, as it had to when it was picked. So (a) beside (a, b) goes, and
        of (a, b) and (a, c) one goes when the other serves both shapes nearly as well."""
        config = set(selection.chosen)
        benefit_of = dict(selection.benefit_of)
        costs = dict(selection.final_costs)
        while True:
            total = sum(costs[u.shape_id] * u.count for u in self.uses)
            drops = []
            for index in sorted(config):
                twins = [c for c in config if c != index and c.table == index.table
                         and c.columns[0] == index.columns[0]]
                if not twins:
                    continue
                without = self._costs_without(config, index, twins, costs)
                loss = sum((without[u.shape_id] - costs[u.shape_id]) * u.count for u in self.uses)
                if loss - self.penalty(index) < self.min_benefit * total:
                    drops.append((loss - self.penalty(index), index, twins, without))
            if not drops:
                break
            _, index, twins, without = min(drops, key=lambda d: (d[0], d[1]))
            config.discard(index)
            heir = max(twins, key=lambda c: (benefit_of.get(c, 0.0), c))
            benefit_of[heir] = benefit_of.get(heir, 0.0) + benefit_of.pop(index, 0.0)
            costs = without
        chosen = sorted(config, key=lambda c: -benefit_of.get(c, 0.0))
        size = sum(self.whatif.size_bytes(c) for c in chosen)
        return Selection(chosen, selection.base_costs, costs, size, benefit_of)
