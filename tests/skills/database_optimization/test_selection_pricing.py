"""How the greedy selection spends what-if requests: extensions wait for their prefix, a move's queries are
priced cached first and two at a time, pricing stops once the move cannot reach the top; HypoPG sessions
keep hypothetical indexes of tables a query does not read."""

from __future__ import annotations

from perfpilot.skills.database_optimization.catalog.models import Catalog, Column, Table
from perfpilot.skills.database_optimization.indexes.candidates import IndexCandidate, QueryUse, TableUse
from perfpilot.skills.database_optimization.indexes.hypopg import HypoSession
from perfpilot.skills.database_optimization.indexes.selection import GreedySelector
from perfpilot.skills.database_optimization.indexes.whatif import Config, WhatIf
from tests.fixtures.database_optimization.advisor.seed import SCHEMA
from tests.skills.database_optimization.test_advisor import pg_catalog  # noqa: F401  (fixture)

A = IndexCandidate("t", ("a",))
AB = IndexCandidate("t", ("a", "b"))
W = IndexCandidate("t", ("w",))
X = IndexCandidate("t", ("x",))


class ScriptedCosts(WhatIf):
    """Each query's cost per exact configuration (100 when not listed); the plan uses the whole
    configuration, or what `uses` says. Every request that reaches the 'database' is recorded."""

    def __init__(
        self,
        costs: dict[frozenset[IndexCandidate], float],
        uses: dict[frozenset[IndexCandidate], frozenset[IndexCandidate]] | None = None,
    ) -> None:
        super().__init__(
            Catalog(dialect="postgres", source="test", tables=[
                Table(name="t", columns=[Column(name=c) for c in "abwx"], row_count=1000)
            ])
        )
        self.costs = costs
        self.uses = uses or {}
        self.requests: list[tuple[str, Config]] = []

    def _explain(self, use: QueryUse, config: Config) -> tuple[float, frozenset[IndexCandidate]]:
        self.requests.append((use.shape_id, config))
        if config not in self.costs:
            return 100.0, frozenset()
        return self.costs[config], self.uses.get(config, config)

    def _size(self, candidate: IndexCandidate) -> float:
        return 8192.0 * len(candidate.columns)


def _use(shape_id: str, **roles: list[str]) -> QueryUse:
    return QueryUse(shape_id, "SELECT 1", 1, "select", {"t": TableUse(**roles)})


def test_an_extension_no_plan_used_is_priced_only_once_its_prefix_is_chosen() -> None:
    whatif = ScriptedCosts(
        {frozenset({A, AB}): 20.0, frozenset({A}): 20.0, frozenset({AB}): 25.0},
        uses={frozenset({A, AB}): frozenset({A})},  # with both, the plan takes the narrower index
    )
    selector = GreedySelector(
        [_use("q", equality=["a"], range=["b"])], [A, AB], whatif, budget_bytes=None, min_benefit=0.0,
        penalty=lambda _: 0.0,
    )
    assert selector.direct == {A} and selector.closure == {"q": {A, AB}}
    assert whatif.requests == [("q", frozenset()), ("q", frozenset({A, AB}))]  # no singles-only request
    whatif.requests.clear()
    assert selector.best().chosen == [A]
    # A alone is priced first; (a, b) only afterwards, as a replacement of A (it costs more: dropped)
    assert whatif.requests == [("q", frozenset({A})), ("q", frozenset({AB}))]


def test_pricing_stops_once_even_the_unpriced_queries_cannot_lift_the_move_to_the_top() -> None:
    # each query: 100 without index, 90 with x alone, 50 with x and w (its ideal)
    whatif = ScriptedCosts({frozenset({X}): 90.0, frozenset({W}): 95.0, frozenset({W, X}): 50.0})
    uses = [_use(f"q{i}", equality=["w", "x"]) for i in range(1, 7)]
    selector = GreedySelector(uses, [W, X], whatif, budget_bytes=None, min_benefit=0.0, penalty=lambda _: 0.0)
    state = {u.shape_id: (100.0, frozenset[IndexCandidate]()) for u in uses}
    calls = whatif.calls
    # each query may still save 50 (down to its ideal); two priced queries save 10 each
    partial = selector._move(X, set(), state, lambda gain, _delta: gain, 200.0)
    assert partial is not None and not partial.complete
    assert partial.gain == 140.0  # 4 queries priced (40) + 2 unpriced at 50
    assert whatif.calls - calls == 4
    # priced again: the four cached ones are free and now bounded by their last saving (10 each)
    full = selector._move(X, set(), state, lambda gain, _delta: gain, 200.0)
    assert full is not None and full.complete and full.gain == 60.0
    assert whatif.calls - calls == 6


def test_hypopg_session_keeps_indexes_of_tables_the_query_does_not_read(
    hypopg_dsn: str,
    pg_catalog: Catalog,  # noqa: F811
) -> None:
    from perfpilot.skills.database_optimization.access.connect import open_postgres_readonly

    orders = IndexCandidate(f"{SCHEMA}.orders", ("customer_id",))
    customers = IndexCandidate(f"{SCHEMA}.customers", ("email",))
    by_customer = QueryUse(
        "by-customer", f"SELECT * FROM {SCHEMA}.orders WHERE customer_id = 42", 1, "select",
        {f"{SCHEMA}.orders": TableUse(equality=["customer_id"])},
    )
    by_email = QueryUse(
        "by-email", f"SELECT id FROM {SCHEMA}.customers WHERE email = 'user7@example.com'", 1, "select",
        {f"{SCHEMA}.customers": TableUse(equality=["email"])},
    )
    with open_postgres_readonly(hypopg_dsn) as conn:
        session = HypoSession(conn)
        cost, used = session.explain(by_customer, frozenset({orders}))
        assert used == {orders}
        _, used = session.explain(by_email, frozenset({customers}))
        assert used == {customers} and set(session.live) == {orders, customers}  # orders' index stays
        bare, used = session.explain(by_customer, frozenset())
        assert used == set() and bare > cost and set(session.live) == {customers}
        session.reset()
