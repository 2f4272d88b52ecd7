"""Consolidation after the greedy pick: of two chosen indexes leading with the same key, one goes when
the other serves its shapes nearly as well (what it still saves is under min_benefit)."""

from __future__ import annotations

from perfpilot.skills.database_optimization.catalog.models import Catalog, Column, Table
from perfpilot.skills.database_optimization.indexes.candidates import IndexCandidate, QueryUse, TableUse
from perfpilot.skills.database_optimization.indexes.selection import GreedySelector, Selection
from perfpilot.skills.database_optimization.indexes.whatif import Config, WhatIf

AB = IndexCandidate("t", ("a", "b"))
AC = IndexCandidate("t", ("a", "c"))
D = IndexCandidate("t", ("d",))


SERVED = {
    "q-ab": {AB: 10.0, AC: 10.5},
    "q-ac": {AC: 10.0, AB: 10.2},
    "q-d": {D: 5.0},
}


class TableOfCosts(WhatIf):
    """Cost of each query: 100 without index; SERVED gives the cost with each index that helps."""

    def _explain(self, use: QueryUse, config: Config) -> tuple[float, frozenset[IndexCandidate]]:
        options = [(cost, c) for c, cost in SERVED[use.shape_id].items() if c in config]
        if not options:
            return 100.0, frozenset()
        cost, best = min(options, key=lambda o: (o[0], o[1]))
        return cost, frozenset({best})


def use(shape_id: str, columns: list[str]) -> QueryUse:
    return QueryUse(shape_id, "SELECT 1", 10, "select", {"t": TableUse(equality=columns)})


def test_a_twin_that_adds_little_is_dropped_and_its_benefit_moves_to_the_other() -> None:
    catalog = Catalog(dialect="postgres", source="test", tables=[
        Table(name="t", columns=[Column(name=c) for c in "abcd"], row_count=1000),
    ])
    uses = [use("q-ab", ["a", "b"]), use("q-ac", ["a", "c"]), use("q-d", ["d"])]
    selector = GreedySelector(uses, [AB, AC, D], TableOfCosts(catalog), budget_bytes=None, min_benefit=0.01,
                              penalty=lambda _: 0.0)
    picked = Selection([AB, AC, D], selector.base, {"q-ab": 10.0, "q-ac": 10.0, "q-d": 5.0}, 0.0,
                       {AB: 900.0, AC: 900.0, D: 950.0})
    kept = selector.consolidate(picked)
    assert sorted(kept.chosen) == [AB, D]  # AC saves 0.2 x 10 = 2 beside AB: under 1% of 250 (AB saves 5)
    assert kept.final_costs == {"q-ab": 10.0, "q-ac": 10.2, "q-d": 5.0}
    assert kept.benefit_of == {AB: 1800.0, D: 950.0}


def test_indexes_with_different_leading_keys_are_both_kept() -> None:
    catalog = Catalog(dialect="postgres", source="test", tables=[Table(name="t", row_count=1000)])
    uses = [use("q-ab", ["a", "b"]), use("q-d", ["d"])]
    selector = GreedySelector(uses, [AB, D], TableOfCosts(catalog), budget_bytes=None, min_benefit=0.01,
                              penalty=lambda _: 0.0)
    assert sorted(selector.best().chosen) == [AB, D]
