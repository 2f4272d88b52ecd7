"""Extend and DB2Advis on a scripted what-if model: exact picks, budget, extension and variation rules."""

from __future__ import annotations

from benchmarks.anchors import db2advis, extend
from benchmarks.anchors.surface import IndexCandidate, QueryUse, WhatIf
from perfpilot.skills.database_optimization.catalog.models import Catalog
from perfpilot.skills.database_optimization.indexes.candidates import TableUse

A = IndexCandidate("t", ("a",))
B = IndexCandidate("t", ("b",))
AB = IndexCandidate("t", ("a", "b"))
BA = IndexCandidate("t", ("b", "a"))
C = IndexCandidate("u", ("c",))


class ScriptedWhatIf(WhatIf):
    """A query's cost is the cheapest of its base cost and the cost each available index gives it."""

    def __init__(
        self,
        base: dict[str, float],
        with_index: dict[str, dict[IndexCandidate, float]],
        sizes: dict[IndexCandidate, float],
    ) -> None:
        super().__init__(Catalog(dialect="postgres", source="test", tables=[]))
        self.base, self.with_index, self.sizes = base, with_index, sizes

    def _explain(
        self, use: QueryUse, config: frozenset[IndexCandidate]
    ) -> tuple[float, frozenset[IndexCandidate]]:
        options = {c: cost for c, cost in self.with_index.get(use.shape_id, {}).items() if c in config}
        if not options or min(options.values()) >= self.base[use.shape_id]:
            return self.base[use.shape_id], frozenset()
        best = min(options, key=lambda c: options[c])
        return options[best], frozenset({best})

    def _size(self, candidate: IndexCandidate) -> float:
        return self.sizes.get(candidate, 100.0)


def _use(shape_id: str, **tables: list[str]) -> QueryUse:
    return QueryUse(
        shape_id, "SELECT 1", 1, "select", {t: TableUse(equality=list(cs)) for t, cs in tables.items()}
    )


USES = [_use("q1", t=["a", "b"]), _use("q2", t=["b"]), _use("q3", u=["c"])]


def test_extend_takes_the_best_saving_per_byte_then_extends_an_index_it_chose() -> None:
    whatif = ScriptedWhatIf(
        base={"q1": 100, "q2": 50, "q3": 40},
        with_index={"q1": {A: 60, AB: 10, B: 90, BA: 20}, "q2": {B: 30, BA: 35}, "q3": {C: 30}},
        sizes={A: 100, B: 100, AB: 150, BA: 150, C: 100},
    )
    chosen = extend.select(USES, whatif, budget_bytes=300)
    # step 1: A saves 40/100; B saves 10+20=30/100; C 10/100 -> A. step 2: A->AB saves 50 more per 50
    # bytes (1.0) -> AB replaces A. step 3: B saves 20 per 100 and fits (250 bytes) -> B. C no longer fits.
    assert chosen == [AB, B]


def test_extend_stops_when_no_move_fits_the_budget() -> None:
    whatif = ScriptedWhatIf(
        base={"q1": 100, "q2": 50, "q3": 40},
        with_index={"q1": {A: 60}, "q3": {C: 30}},
        sizes={A: 500, C: 100},
    )
    assert extend.select(USES, whatif, budget_bytes=200) == [C]


def test_db2advis_candidates_are_every_ordered_attribute_list_up_to_the_width() -> None:
    assert db2advis.syntactic_candidates(USES[0], 2) == frozenset({A, B, AB, BA})
    assert db2advis.syntactic_candidates(USES[0], 1) == frozenset({A, B})


def test_db2advis_credits_each_query_benefit_to_the_indexes_its_plan_uses_and_fills_the_knapsack() -> None:
    whatif = ScriptedWhatIf(
        base={"q1": 100, "q2": 50, "q3": 40},
        with_index={"q1": {AB: 10, A: 60}, "q2": {B: 30}, "q3": {C: 30}},
        sizes={AB: 300, A: 100, B: 100, C: 100},
    )
    assert db2advis.recommended_benefits(USES, whatif, 2) == {AB: 90.0, B: 20.0, C: 10.0}
    assert whatif.calls == 6  # one request per query without indexes, one with all its candidates
    # per byte: AB 0.3, B 0.2, C 0.1; AB does not fit 250 bytes, B and C do.
    assert db2advis.select(USES, whatif, budget_bytes=250) == [B, C]


def test_db2advis_variations_keep_only_a_swap_that_lowers_the_workload_cost() -> None:
    whatif = ScriptedWhatIf(
        base={"q1": 100, "q2": 100, "q3": 40},
        with_index={"q1": {A: 90}, "q2": {B: 50}},
        sizes={A: 1, B: 10},
    )
    # per byte A (10 per byte) comes first and leaves no room for B (5 per byte, 50 in all)
    assert db2advis.select(USES, whatif, budget_bytes=10) == [A]
    varied = db2advis.select(USES, whatif, budget_bytes=10, variations=5, swap_size=1, seed=1)
    assert varied == [B]
    assert db2advis.select(USES, whatif, budget_bytes=10, variations=5, swap_size=1, seed=7) == varied
