"""A baseline without p99 (k6's default summary stops at p(95)) takes it from the access log of the same
traffic: the server-side log of the run, recognised by a p95 within SAME_TRAFFIC_P95 of the baseline's
(overall, and per endpoint for each endpoint filled). The source is named in the baseline's sources."""

from __future__ import annotations

from perfpilot.artifacts import Baseline, EndpointStats

SAME_TRAFFIC_P95 = 0.25
"""Largest relative difference between two p95s read as the same traffic seen from two sides (a client's
timings include the network and its own queueing, so they never match exactly)."""

SOURCE = "access_logs (p99)"


def _agree(a: EndpointStats, b: EndpointStats) -> bool:
    mine, logged = a.latency.p95_ms, b.latency.p95_ms
    if not mine or logged is None:
        return False
    return abs(mine - logged) / mine <= SAME_TRAFFIC_P95


def _filled(stats: EndpointStats, logged: EndpointStats | None) -> EndpointStats:
    if stats.latency.p99_ms is not None or logged is None or logged.latency.p99_ms is None:
        return stats
    if not _agree(stats, logged):
        return stats
    latency = stats.latency.model_copy(update={"p99_ms": logged.latency.p99_ms})
    return stats.model_copy(update={"latency": latency})


def with_server_p99(chosen: Baseline, logged: Baseline | None) -> Baseline:
    """The chosen baseline with missing p99s taken from the access log's, where the two agree on p95."""
    if logged is None or logged is chosen or chosen.overall.latency.p99_ms is not None:
        return chosen
    if not _agree(chosen.overall, logged.overall):
        return chosen
    by_name = {e.name: e for e in logged.endpoints}
    overall = _filled(chosen.overall, logged.overall)
    endpoints = [_filled(e, by_name.get(e.name)) for e in chosen.endpoints]
    sources = [*chosen.sources, SOURCE]
    return chosen.model_copy(update={"overall": overall, "endpoints": endpoints, "sources": sources})
