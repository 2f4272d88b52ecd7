"""Database-layer judgment in profiling: N+1 round-trip gaps, layers that carry a breach, slow statements."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.evidence.models import Span, Trace
from perfpilot.skills.profiling.attribution import from_traces
from perfpilot.skills.profiling.bottlenecks import (
    _layer_pressure,
    application_bottleneck,
    database_bottleneck,
)
from perfpilot.skills.profiling.round_trips import round_trip_gaps_ns
from perfpilot.skills.profiling.statements import slow_statement_bottlenecks
from perfpilot.target.spec import EvidenceSources, Slos, Target
from perfpilot.workload.models import QueryShape, WorkloadDigest

MS = 1_000_000


def _span(span_id: str, start_ms: float, end_ms: float, sql: str | None = None, **attrs: str) -> Span:
    attributes: dict[str, str] = {"db.system": "postgresql", "db.statement": sql} if sql else {}
    attributes.update(attrs)
    return Span(trace_id="t", span_id=span_id, parent_span_id=None if span_id == "root" else "root",
                name=sql or span_id, kind="client" if sql else "internal", start_ns=int(start_ms * MS),
                end_ns=int(end_ms * MS), attributes={**attributes, **({"http.route": "/orders/{id}",
                "http.request.method": "GET"} if span_id == "root" else {})})


def _n_plus_one_trace(calls: int = 6, gap_ms: float = 1.0, other: Span | None = None) -> Trace:
    spans = [_span("root", 0, 100), _span("order", 10, 12, "SELECT * FROM orders WHERE id = 1")]
    start = 13.0
    for n in range(calls):
        spans.append(_span(f"p{n}", start, start + 2, f"SELECT * FROM products WHERE id = {n}"))
        start += 2 + gap_ms
    return Trace(trace_id="t", spans=spans + ([other] if other else []))


def test_gaps_inside_a_run_of_one_statement_are_database_time() -> None:
    trace = _n_plus_one_trace()
    assert round_trip_gaps_ns(trace.spans) == 5 * MS  # 6 calls, 5 gaps of 1 ms; the gap before them is not
    times = from_traces([trace])
    assert times is not None
    assert times.database == pytest.approx((2 + 6 * 2 + 5) / 1000)
    assert times.application == pytest.approx((100 - 19) / 1000)


def test_traced_work_in_a_gap_stays_where_it_is_and_short_runs_do_not_count() -> None:
    busy = _span("render", 15.0, 15.5)  # starts in the first gap (15..16), covers half of it
    assert round_trip_gaps_ns(_n_plus_one_trace(other=busy).spans) == int(4.5 * MS)
    assert round_trip_gaps_ns(_n_plus_one_trace(calls=4).spans) == 0  # under 5 calls in a row


@pytest.mark.parametrize(
    ("layers", "breach", "expected"),
    [
        ({"database": 0.7, "application": 0.3}, (125.0, 80.0), 1.0),  # 87.5 ms covers the 45 ms excess
        ({"database": 0.7, "application": 0.3}, None, 1.0),  # no latency breach known
        ({"database": 0.5, "application": 0.5}, (200.0, 80.0), 1.0),  # 100 ms each, neither covers 120 alone
        ({"database": 0.1, "application": 0.9}, (400.0, 300.0), 1.0),  # 360 ms alone over the target
    ],
)
def test_layers_that_carry_the_breach(
    layers: dict[str, float], breach: tuple[float, float] | None, expected: float
) -> None:
    assert _layer_pressure(layers, "application" if layers["application"] >= 0.5 else "database", breach) \
        == expected


def test_a_layer_that_cannot_end_the_breach_is_pressed_by_its_own_time() -> None:
    layers = {"database": 0.7, "application": 0.3, "requests": 8.0}
    # 125 ms p95 against 80: the application's 37.5 ms cannot end the 45 ms excess, the database's can
    assert _layer_pressure(layers, "application", (125.0, 80.0)) == pytest.approx(0.5 * (37.5 / 80) ** 2)
    assert _layer_pressure(layers, "database", (125.0, 80.0)) == 1.0


def test_unattributed_time_between_calls_counts_in_the_request_but_carries_no_breach() -> None:
    layers = {"database": 0.1, "application": 0.1, "external": 0.2, "between_calls": 0.6, "requests": 4.0}
    # 200 ms p95 against 100: the 120 ms between calls would cover the excess alone, but it is no layer's;
    # no layer carries the breach alone (20, 20 and 40 ms), so every layer is pressed.
    assert _layer_pressure(layers, "external", (200.0, 100.0)) == 1.0
    assert _layer_pressure(layers, "database", (200.0, 100.0)) == 1.0


def _bundle(*workloads: WorkloadDigest, p95: float | None = 10) -> EvidenceBundle:
    target = Target(name="db", slos=Slos(p95_ms=p95), evidence=EvidenceSources(traces=[Path("t.json")]))
    return EvidenceBundle(target=target, workloads=list(workloads))


def test_n_plus_one_request_flags_only_the_database() -> None:
    times = from_traces([_n_plus_one_trace(calls=15, gap_ms=2.0)])  # 60 ms database, 40 ms application
    assert times is not None
    pressures = {"GET /orders/{id}": 1.0}
    share_app = times.per_endpoint["GET /orders/{id}"]["application"] / 0.1
    assert share_app == pytest.approx(0.4)
    breach = {"GET /orders/{id}": (100.0, 50.0)}  # the application's 40 ms cannot end the 50 ms excess
    db = database_bottleneck(_bundle(), times, pressures, breach)
    app = application_bottleneck(times, pressures, breach)
    assert db is not None and app is not None
    assert db.impact == pytest.approx(round(1 - share_app, 4)) and db.title.endswith("on GET /orders/{id}")
    assert app.impact == pytest.approx(round(0.4 * 0.5 * (40 / 50) ** 2, 4))
    assert app.subject == "application code"


def _shape(shape_id: str, sql: str, table: str, mean_ms: float, count: int, share: float) -> QueryShape:
    seconds = mean_ms / 1000
    return QueryShape(id=shape_id, fingerprint=sql, example=sql, count=count, total_time_s=seconds * count,
                      mean_time_s=seconds, p95_time_s=seconds, max_time_s=seconds, share=share,
                      tables=[table])


def _digest(source: str, *shapes: QueryShape) -> WorkloadDigest:
    return WorkloadDigest(source=source, format="pg_stat_statements", queries=list(shapes),
                          total_time_s=sum(s.total_time_s for s in shapes))


def test_one_shape_in_two_sources_is_one_bottleneck() -> None:
    poll = _shape("a1", "select * from jobs where state = ?", "jobs", 320, 75, 0.99)
    found = slow_statement_bottlenecks(_bundle(_digest("pgss.csv", poll), _digest("postgresql.log", poll)))
    assert len(found) == 1 and [e.source for e in found[0].evidence] == ["pgss.csv", "postgresql.log"]
    assert found[0].title.startswith("A statement shape averages 320 ms")


def test_slow_shapes_of_one_table_are_one_bottleneck_and_other_tables_their_own() -> None:
    by_account = _shape("e1", "select * from events where account_id = ?", "events", 214, 279, 0.45)
    by_kind = _shape("e2", "select * from events where account_id = ? and kind = ?", "events", 211, 274, 0.45)
    users = _shape("u1", "select * from users where lower(email) = ?", "users", 300, 30, 0.1)
    fast = _shape("f1", "select * from accounts where id = ?", "accounts", 0.1, 900, 0.2)
    found = slow_statement_bottlenecks(_bundle(_digest("pgss.csv", by_account, by_kind, users, fast)))
    assert [b.title.split(" average")[0] for b in found] == ["2 statement shapes on events"]
    assert found[0].metrics["count"] == 553 and found[0].time_share == 0.9
    assert slow_statement_bottlenecks(_bundle(_digest("x", by_account), p95=None)) == []
