"""Connection hold time from traces: first database call to the last client call, and database time."""

from __future__ import annotations

import pytest

from perfpilot.evidence.models import Span, Trace
from perfpilot.skills.resource_saturation.pool_sizing import saturated_hold, traced_database_s, traced_hold

MS = 1_000_000


def _span(sid: str, kind: str, start_ms: float, end_ms: float, **attributes: str) -> Span:
    parent = None if kind == "server" else "root"
    return Span(
        trace_id="t1",
        span_id=sid,
        parent_span_id=parent,
        name=sid,
        kind=kind,  # type: ignore[arg-type]
        start_ns=int(start_ms * MS),
        end_ns=int(end_ms * MS),
        attributes=dict(attributes),
    )


def _trace(tid: str, wait_ms: float) -> Trace:
    """A request that waits `wait_ms`, runs two 1 ms queries, then a 25 ms call to fx-rates."""
    spans = [
        _span("root", "server", 0, wait_ms + 30),
        _span("q1", "client", wait_ms, wait_ms + 1, **{"db.system": "postgresql"}),
        _span("q2", "client", wait_ms + 2, wait_ms + 3, **{"db.system": "postgresql"}),
        _span("fx", "client", wait_ms + 4, wait_ms + 29, **{"peer.service": "fx-rates"}),
    ]
    return Trace(trace_id=tid, spans=spans)


def test_hold_runs_from_the_first_database_call_to_the_end_of_the_last_client_call() -> None:
    traces = [_trace("a", 500), _trace("b", 1500)]
    hold = traced_hold(traces)
    assert hold is not None and hold.seconds == pytest.approx(0.029)
    assert "2 traces" in hold.basis
    assert traced_database_s(traces) == pytest.approx(0.002)


def test_no_database_call_means_no_traced_hold() -> None:
    trace = Trace(trace_id="x", spans=[_span("root", "server", 0, 10)])
    assert traced_hold([trace]) is None and traced_database_s([trace]) is None


def test_a_saturated_pool_holds_its_size_over_the_served_rate() -> None:
    hold = saturated_hold(2, 60.0)
    assert hold.seconds == pytest.approx(2 / 60)
    assert hold.basis.startswith("Little's law on the saturated pool: 2 connections / 60.00")
