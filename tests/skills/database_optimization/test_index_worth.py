"""Index advice left out when it would save a request under 5% of the latency target (measured time)."""

from __future__ import annotations

import pytest

from perfpilot.artifacts import Finding, Remediation
from perfpilot.skills.database_optimization.findings.index_worth import (
    latency_target_ms,
    material_index_findings,
    saving_per_request_ms,
)
from perfpilot.skills.database_optimization.indexes.models import Advice, IndexRecommendation, QueryCostChange
from perfpilot.target.spec import EndpointSlo, Slos
from perfpilot.workload.models import QueryShape


def _shape(shape_id: str, mean_ms: float) -> QueryShape:
    seconds = mean_ms / 1000
    return QueryShape(id=shape_id, fingerprint=shape_id, example=shape_id, count=10,
                      total_time_s=10 * seconds, mean_time_s=seconds, p95_time_s=seconds, max_time_s=seconds)


def _advice(shape_id: str, before: float = 310.0, after: float = 210.0) -> Advice:
    ddl = "CREATE INDEX CONCURRENTLY IF NOT EXISTS x ON order_items (order_id, id);"
    rec = IndexRecommendation(
        table="order_items", columns=["order_id", "id"], name="x", ddl=ddl, rollback="DROP INDEX x;",
        workload_cost_reduction=0.1, size_mb=1.0, method="heuristic",
        queries=[QueryCostChange(shape_id=shape_id, cost_before=before, cost_after=after, count=10)],
    )
    finding = Finding(id="db-1", skill="database-optimization-analyzer", kind="missing_index",
                      layer="database", subject="order_items(order_id, id)", title="t", root_cause="r",
                      impact=0.15,
                      remediation=Remediation(kind="ddl", title="t", content=ddl, rollback="DROP INDEX x;",
                                              effort_days=0.1))
    return Advice(recommendations=[rec], findings=[finding])


def test_a_fast_statement_already_served_is_left_out_with_a_note() -> None:
    advice = _advice("s1")
    # 0.57 ms mean x (1 - 210/310) = 0.18 ms per request, under 5% of a 10 ms target
    kept, notes = material_index_findings(advice, {"s1": _shape("s1", 0.57)}, {}, 10.0)
    assert kept == []
    assert notes == ["index order_items(order_id, id) left out: it would save 0.184 ms per request on the "
                     "statements it serves, under 5% of the 10 ms latency target (they are already fast)"]


def test_slow_statements_keep_their_index() -> None:
    advice = _advice("s1")
    kept, notes = material_index_findings(advice, {"s1": _shape("s1", 214.0)}, {}, 10.0)
    assert [f.subject for f in kept] == ["order_items(order_id, id)"] and notes == []


def test_an_n_plus_one_loop_multiplies_the_saving_per_request() -> None:
    advice = _advice("s1")
    shapes = {"s1": _shape("s1", 0.57)}
    assert saving_per_request_ms(advice.recommendations[0], shapes, {"s1": 50.0}) == pytest.approx(
        0.57 * (1 - 210 / 310) * 50
    )
    kept, _ = material_index_findings(advice, shapes, {"s1": 50.0}, 10.0)
    assert len(kept) == 1


@pytest.mark.parametrize(
    ("shapes", "target"),
    [({"s1": _shape("s1", 0.57)}, None), ({}, 10.0), ({"s1": _shape("s1", 0.0)}, 10.0)],
    ids=["no latency target", "shape not in the workload", "no measured time"],
)
def test_left_as_it_is_when_nothing_measured_can_judge_it(
    shapes: dict[str, QueryShape], target: float | None
) -> None:
    kept, notes = material_index_findings(_advice("s1"), shapes, {}, target)
    assert len(kept) == 1 and notes == []


def test_the_strictest_latency_target() -> None:
    assert latency_target_ms(Slos(p95_ms=300, endpoints={"GET /x": EndpointSlo(p95_ms=80)})) == 80
    assert latency_target_ms(Slos(p99_ms=500)) == 500
    assert latency_target_ms(Slos(error_rate=0.01)) is None
