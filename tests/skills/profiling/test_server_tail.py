"""A k6 baseline without p99 takes it from the access log of the same traffic (p95s agree)."""

from __future__ import annotations

from perfpilot.artifacts import Baseline, EndpointStats, LatencyPercentiles
from perfpilot.skills.profiling.server_tail import SOURCE, with_server_p99


def _stats(name: str, p95: float, p99: float | None = None) -> EndpointStats:
    return EndpointStats(name=name, requests=100, latency=LatencyPercentiles(p95_ms=p95, p99_ms=p99))


def _k6(p95: float) -> Baseline:
    endpoints = [_stats("GET /a", p95), _stats("GET /b", 40)]
    return Baseline(overall=_stats("overall", p95), endpoints=endpoints, sources=["k6"])


def test_missing_p99s_come_from_a_log_of_the_same_traffic() -> None:
    # figures of svc-stock-upstream-keepalive-healthy: k6 p95 45.2 ms, nginx's log p95 43 ms, p99 92 ms
    logged = Baseline(
        overall=_stats("overall", 43, 92), endpoints=[_stats("GET /a", 43, 92), _stats("GET /b", 90, 120)]
    )
    filled = with_server_p99(_k6(45.2), logged)
    assert filled.overall.latency.p99_ms == 92
    assert filled.overall.latency.p95_ms == 45.2  # the run's own figures stay
    assert [e.latency.p99_ms for e in filled.endpoints] == [92, None]  # GET /b: p95 40 vs 90, not the same
    assert filled.sources == ["k6", SOURCE]


def test_a_log_of_other_traffic_is_not_used() -> None:
    logged = Baseline(overall=_stats("overall", 300, 900))
    assert with_server_p99(_k6(45.2), logged).overall.latency.p99_ms is None


def test_a_baseline_with_its_own_p99_is_kept() -> None:
    chosen = Baseline(overall=_stats("overall", 45, 60))
    assert with_server_p99(chosen, Baseline(overall=_stats("overall", 43, 92))) is chosen
