"""Sequential calls to one peer on traces recorded from two real services (storefront-api calling
pricing-service once per basket item): the time between the calls, which no span of the storefront
covers, is counted in what batching saves, and so is the peer still answering after a call's span."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfpilot.evidence.models import Span, Trace
from perfpilot.evidence.otlp import load_otlp
from perfpilot.skills.dependency_analysis.call_gaps import GapTimes, gap_times
from perfpilot.skills.dependency_analysis.dependencies import PeerWait, peer_waits
from perfpilot.skills.dependency_analysis.findings import sequential_finding
from perfpilot.skills.profiling.attribution import from_traces

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
    # Figures from the spans' timestamps: between one call's end and the next call's start (4.495915 and
    # 6.697133 ms), no storefront span; pricing-service's SERVER span under a call outlasts it by 0.411499
    # and 0.241818 ms (httpx closes its span at the response headers and reads the body after).
    assert wait.between_ms("traced") == [0.0, 0.0]
    assert wait.between_ms("answering") == pytest.approx([0.411499, 0.241818], abs=1e-6)
    assert wait.between_ms("unattributed") == pytest.approx([4.084416, 6.455315], abs=1e-6)
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
    values = finding.evidence[0].values
    assert values["unattributed_between_calls_ms_per_request"] == pytest.approx(5.270, abs=1e-3)
    assert values["answering_between_calls_ms_per_request"] == pytest.approx(0.327, abs=1e-3)
    assert values["traced_between_calls_ms_per_request"] == 0.0
    assert "5 ms more between them that no span attributes" in finding.root_cause
    assert "traced work between the calls stays" not in finding.root_cause
    saved = 11.271071 + 22.072909 + 4.495915 + 6.697133 - 1.77009 - 5.516775
    assert finding.impact == pytest.approx(round(saved / (35.892753 + 40.046422), 4))
    assert finding.remediation is not None and "batch" in finding.remediation.content


def _span(
    span_id: str, start_ms: float, end_ms: float, kind: str = "client", parent: str | None = None
) -> Span:
    return Span(
        trace_id="t",
        span_id=span_id,
        parent_span_id=parent,
        name=span_id,
        kind=kind,  # type: ignore[arg-type]
        start_ns=int(start_ms * 1e6),
        end_ns=int(end_ms * 1e6),
    )


def test_gap_times_split_by_what_the_spans_show() -> None:
    root = _span("root", 0, 100, kind="server")
    a, b = _span("a", 0, 10, parent="root"), _span("b", 5, 20, parent="root")  # overlapping: no gap
    peer = _span("peer", 8, 23, kind="server", parent="b")  # the peer still answering b until 23 ms
    work = _span("work", 22, 26, kind="internal", parent="root")  # the service's own work in the gap
    c = _span("c", 30, 40, parent="root")
    trace = Trace(trace_id="t", spans=[root, a, b, peer, work, c])
    # gap 20 -> 30 ms: 20-22 the peer answering, 22-26 traced work (it wins over the peer's 22-23), 26-30
    # covered by nothing; the SERVER span encloses the calls and covers nothing of the gap.
    assert gap_times([c, a, b], trace) == GapTimes(
        traced_ns=4_000_000, answering_ns=2_000_000, unattributed_ns=4_000_000
    )
    assert gap_times([a], trace) == GapTimes()


def test_a_span_wrapping_each_call_encloses_it_and_proves_no_work_between() -> None:
    root = _span("root", 0, 100, kind="server")
    item1, item2 = _span("item1", 0, 12, "internal", "root"), _span("item2", 14, 30, "internal", "root")
    a, b = _span("a", 1, 11, parent="item1"), _span("b", 18, 29, parent="item2")
    trace = Trace(trace_id="t", spans=[root, item1, a, item2, b])
    # 11 -> 18 ms between the calls: item1's and item2's own time around their calls is unexplained.
    assert gap_times([a, b], trace) == GapTimes(unattributed_ns=7_000_000)


def test_profiler_puts_the_time_between_the_quote_calls_in_no_layer(traces: list[Trace]) -> None:
    """The recorded quotes: one SELECT, then a run of GET /prices/{sku} calls with no storefront span
    between them; that time (10.5 ms over the two quotes) is unattributed, not application time."""
    times = from_traces(traces)
    assert times is not None
    quote = times.per_endpoint[QUOTE]
    assert quote["between_calls"] == pytest.approx((4.084416 + 6.455315) / 1000, abs=1e-9)
    assert quote["external"] == pytest.approx((11.271071 + 22.072909 + 0.411499 + 0.241818) / 1000, abs=1e-9)
    assert quote["application"] == pytest.approx(0.025784513, abs=1e-9)
    assert quote["database"] + quote["application"] + quote["external"] + quote["between_calls"] == (
        pytest.approx((35.892753 + 40.046422) / 1000, abs=1e-9)
    )
    assert times.per_endpoint["GET /baskets/{id}"]["between_calls"] == 0.0
