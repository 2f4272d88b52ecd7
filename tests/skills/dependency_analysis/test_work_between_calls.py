"""Work between sequential calls, on spans recorded from two real services (tests/fixtures/otel/
record_between_calls.py): storefront-api calls pricing-service once per item and, after each answer, runs
the same promotion rules, inside an INTERNAL span on GET /baskets/{id}/quote and untraced on
GET /baskets/{id}/quote-untraced. Traced, the work is application time and stays after batching; untraced,
the trace cannot tell it from issuing the calls, so it is unattributed (never application time)."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfpilot.evidence.models import Trace
from perfpilot.evidence.otlp import load_otlp
from perfpilot.skills.dependency_analysis.dependencies import PeerWait, peer_waits
from perfpilot.skills.dependency_analysis.findings import sequential_finding
from perfpilot.skills.profiling.attribution import from_traces
from perfpilot.skills.profiling.external import external_bottlenecks

TRACES = Path(__file__).resolve().parents[2] / "fixtures" / "otel" / "storefront-between-calls.otlp.json"
TRACED, UNTRACED = "GET /baskets/{id}/quote", "GET /baskets/{id}/quote-untraced"


@pytest.fixture(scope="module")
def traces() -> list[Trace]:
    return load_otlp(TRACES, source=TRACES.name)


def _wait(traces: list[Trace], endpoint: str) -> PeerWait:
    [wait] = [w for w in peer_waits(traces) if w.endpoint == endpoint]
    return wait


def test_traced_work_between_calls_is_told_apart_from_unattributed_time(traces: list[Trace]) -> None:
    traced, untraced = _wait(traces, TRACED), _wait(traces, UNTRACED)
    assert (traced.peer, traced.traces, traced.calls) == ("pricing-service", 3, 21)
    assert (untraced.traces, untraced.calls) == (3, 21)
    # apply_promotions spans (one after each call, the last one after the last call) cover 12.9-21.5 ms
    # of each quote's gaps; what remains between the calls is covered by no span.
    assert traced.between_ms("traced") == pytest.approx([12.933804, 19.853143, 21.466402], abs=1e-6)
    assert traced.between_ms("unattributed") == pytest.approx([8.430898, 7.277462, 3.512256], abs=1e-6)
    # The first quote's first call: the CLIENT span closed at the headers, pricing-service's SERVER span
    # went on 4.9 ms and the second call's 0.3 ms, until the client read the answer.
    assert traced.between_ms("answering") == pytest.approx([5.253075, 0.0, 0.0], abs=1e-6)
    # The same promotion rules without a span: nothing in the trace says what that time is.
    assert untraced.between_ms("traced") == [0.0, 0.0, 0.0]
    assert untraced.between_ms("unattributed") == pytest.approx([15.378622, 18.007623, 21.101689], abs=1e-6)
    assert untraced.between_ms("answering") == pytest.approx([0.0, 0.565146, 0.0], abs=1e-6)


def test_batching_saves_the_calls_and_unattributed_time_but_not_traced_work(traces: list[Trace]) -> None:
    wait = _wait(traces, TRACED)
    finding = sequential_finding(wait, all_request_ms=sum(wait.request_ms))
    assert finding.estimate is not None
    waited = [89.544479, 47.676694, 29.180691]
    now = sum(waited) + 5.253075 + sum([8.430898, 7.277462, 3.512256])  # the traced 54 ms not counted
    longest = [32.703823, 12.140268, 6.553139]
    assert finding.estimate.current == pytest.approx(now / 3, abs=1e-3)
    assert finding.estimate.expected == pytest.approx(sum(longest) / 3, abs=1e-3)
    assert finding.impact == pytest.approx(round((now - sum(longest)) / sum(wait.request_ms), 4))
    assert "The 18 ms of traced work between the calls stays." in finding.root_cause
    values = finding.evidence[0].values
    assert values["traced_between_calls_ms_per_request"] == pytest.approx(18.084, abs=1e-3)


def test_untraced_work_between_calls_is_counted_as_issuing_and_said_to_be_unattributed(
    traces: list[Trace],
) -> None:
    wait = _wait(traces, UNTRACED)
    finding = sequential_finding(wait, all_request_ms=sum(wait.request_ms))
    assert finding.estimate is not None
    now = sum([18.551767, 19.910308, 39.830338]) + 0.565146 + sum([15.378622, 18.007623, 21.101689])
    assert finding.estimate.current == pytest.approx(now / 3, abs=1e-3)
    assert "18 ms more between them that no span attributes" in finding.root_cause
    assert "untraced work of the loop would look the same" in finding.root_cause
    assert "it stays if it is untraced work of the loop" in finding.estimate.method


def test_profiler_keeps_unattributed_time_between_calls_out_of_application_time(traces: list[Trace]) -> None:
    times = from_traces(traces)
    assert times is not None
    traced, untraced = times.per_endpoint[TRACED], times.per_endpoint[UNTRACED]
    # Seconds over the three requests of each route (no database calls in this recording).
    assert traced["application"] == pytest.approx(0.07021991, abs=1e-9)  # the promotions, traced
    assert traced["between_calls"] == pytest.approx(0.019220616, abs=1e-9)
    assert untraced["application"] == pytest.approx(0.016331463, abs=1e-9)
    assert untraced["between_calls"] == pytest.approx(0.054487934, abs=1e-9)
    # The external layer holds the calls and the peer still answering after a call's span.
    assert traced["external"] == pytest.approx((166.401864 + 5.253075) / 1000, abs=1e-9)
    shares = times.shares()
    assert set(shares) == {"database", "application", "external"}
    assert 1 - sum(shares.values()) == pytest.approx(times.between_calls / times.total)
    [bottleneck] = [b for b in external_bottlenecks(times, {}) if b.subject.endswith(f"{UNTRACED})")]
    assert bottleneck.metrics["unattributed_between_calls_ms_per_request"] == pytest.approx(18.163, abs=1e-3)
    assert "18 ms per request between calls no span attributes" in (bottleneck.evidence[0].excerpt or "")
