"""Index findings tie to the endpoints whose traced database spans ran their statement."""

from __future__ import annotations

import pytest

from perfpilot.artifacts import EvidenceRef, Finding, ImpactEstimate
from perfpilot.evidence.models import Span, Trace
from perfpilot.skills.validation.effects import database_cut
from perfpilot.skills.validation.layer_split import EndpointLayers, LayerSplit
from perfpilot.skills.validation.statement_ties import endpoints_running, statement_endpoints


def _trace(tid: str, route: str, sql: str | None) -> Trace:
    root = Span(
        trace_id=tid,
        span_id=f"{tid}r",
        name=route,
        kind="server",
        start_ns=0,
        end_ns=100_000_000,
        attributes={"http.route": route, "http.request.method": "GET"},
    )
    spans = [root]
    if sql is not None:
        spans.append(
            Span(
                trace_id=tid,
                span_id=f"{tid}d",
                parent_span_id=f"{tid}r",
                name="q",
                kind="client",
                start_ns=10,
                end_ns=50_000_000,
                attributes={"db.system": "postgresql", "db.statement": sql},
            )
        )
    return Trace(trace_id=tid, spans=spans)


def _index(excerpt: str) -> Finding:
    return Finding(
        id="db-1",
        skill="s",
        kind="missing_index",
        layer="database",
        subject="orders(customer_id)",
        title="t",
        root_cause="r",
        impact=0.9,
        estimate=ImpactEstimate(metric="workload_time_s", current=60, expected=10),
        evidence=[EvidenceRef(source="pg_stat_statements.csv", excerpt=excerpt)],
    )


def test_a_statement_ties_to_the_endpoints_that_ran_it() -> None:
    traces = [
        _trace("a", "/customers/{id}/orders", "SELECT id FROM orders WHERE customer_id = 17"),
        _trace("b", "/products/{id}", "SELECT id FROM products WHERE id = 3"),
        _trace("c", "/health", None),
    ]
    by_statement = statement_endpoints(traces)
    names = ["GET /customers/{id}/orders", "GET /products/{id}", "GET /health"]
    finding = _index("SELECT id FROM orders WHERE customer_id = $1")
    assert endpoints_running(finding, by_statement, names) == ("GET /customers/{id}/orders",)
    split = LayerSplit(
        endpoints={
            "GET /customers/{id}/orders": EndpointLayers(40, 10),
            "GET /products/{id}": EndpointLayers(10, 10),
        },
        method="traces",
    )
    cut = database_cut(finding, split, 100, names, by_statement)
    # 50 s of a 100 s workload = half of all database time (50 traced s), all on the orders endpoint (40 s),
    # capped at the whole of it.
    assert cut is not None and cut.endpoints == ("GET /customers/{id}/orders",)
    assert cut.share == pytest.approx(min(1.0, 0.5 * 50 / 40))


def test_no_traces_no_statement_ties() -> None:
    assert endpoints_running(_index("SELECT 1"), {}, ["GET /x"]) == ()
