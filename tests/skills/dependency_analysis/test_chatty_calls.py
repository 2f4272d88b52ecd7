"""Sequential calls to one peer on traces recorded from two real services (storefront-api calling
pricing-service once per basket item): the time between the calls is counted in what batching saves."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfpilot.evidence.models import Span, Trace
from perfpilot.evidence.otlp import load_otlp
from perfpilot.skills.dependency_analysis.dependencies import PeerWait, between_calls_ms, peer_waits
from perfpilot.skills.dependency_analysis.findings import sequential_finding

TRACES = Path(__file__).resolve().parents[2] / "fixtures" / "otel" / "storefront-chatty-quote.otlp.json"
QUOTE = "GET /baskets/{id}/quote"


@pytest.fixture(scope="module")
def traces() -> list[Trace]:
    return load_otlp(TRACES, source=TRACES.name)


def _quote_wait(traces: list[Trace]) -> PeerWait:
    [wait] = [w for w in peer_waits(traces) if w.endpoint == QUOTE]
    return wait


def test_recorded_quote_calls_are_sequential_with_time_between_them(traces: list[Trace]) -> None:
    wait = _quote_wait(traces)
    assert (wait.peer, wait.traces, wait.calls) == ("pricing-service", 2, 19)
    assert wait.sequential
    # Figures from the spans' timestamps: gaps between one call's end and the next call's start.
    assert sorted(wait.between_ms) == pytest.approx([4.495915, 6.697133], abs=1e-6)
    assert sorted(wait.wait_ms) == pytest.approx([11.271071, 22.072909], abs=1e-6)
    assert sorted(wait.longest_ms) == pytest.approx([1.77009, 5.516775], abs=1e-6)
    # GET /baskets/{id} makes no calls: no pair for it.
    assert {w.endpoint for w in peer_waits(traces)} == {QUOTE}


def test_sequential_finding_estimates_wait_plus_between_vs_longest_call(traces: list[Trace]) -> None:
    wait = _quote_wait(traces)
    finding = sequential_finding(wait, all_request_ms=sum(wait.request_ms))
    assert finding.estimate is not None
    assert finding.estimate.metric == f"external_ms_per_request:{QUOTE}"
    now = (11.271071 + 22.072909 + 4.495915 + 6.697133) / 2  # calls' wait + time between, per request
    assert finding.estimate.current == pytest.approx(now, abs=1e-3)
    assert finding.estimate.expected == pytest.approx((1.77009 + 5.516775) / 2, abs=1e-3)
    assert finding.evidence[0].values["between_calls_ms_per_request"] == pytest.approx(5.597, abs=1e-3)
    saved = 11.271071 + 22.072909 + 4.495915 + 6.697133 - 1.77009 - 5.516775
    assert finding.impact == pytest.approx(round(saved / (35.892753 + 40.046422), 4))
    assert finding.remediation is not None and "batch" in finding.remediation.content


def _span(span_id: str, start: int, end: int, kind: str = "client") -> Span:
    return Span(
        trace_id="t", span_id=span_id, name=span_id, kind=kind, start_ns=start, end_ns=end, attributes={}
    )  # type: ignore[arg-type]


def test_between_calls_skips_overlaps_and_time_other_spans_cover() -> None:
    root = _span("root", 0, 100_000_000, kind="server")
    a, b = _span("a", 0, 10_000_000), _span("b", 5_000_000, 20_000_000)  # overlapping: no gap
    work = _span("work", 22_000_000, 26_000_000, kind="internal")  # traced work inside the next gap
    c = _span("c", 30_000_000, 40_000_000)
    trace = Trace(trace_id="t", spans=[root, a, b, work, c])
    # gap 20 -> 30 ms, of which 4 ms is covered by `work`: 6 ms between calls.
    assert between_calls_ms([c, a, b], trace) == pytest.approx(6.0)
    assert between_calls_ms([a], trace) == 0.0
