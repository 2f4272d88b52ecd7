"""A latency baseline from traces when no load test ran: per endpoint, the root SERVER spans' count,
p50/p90/p95/p99, error rate and rate over the traces' time window.

Traces are often sampled: the counts and rates are of the traces given, which the baseline's source says.
"""

from __future__ import annotations

import math
from collections import defaultdict

from perfpilot.artifacts import Baseline, EndpointStats, LatencyPercentiles
from perfpilot.evidence.models import Span, Trace
from perfpilot.skills.profiling.attribution import endpoint_of

MIN_ROOT_SPANS = 5
SOURCE = "traces (root SERVER spans; counts are of the traces given, sampled or not)"


def _percentile(ordered: list[float], q: float) -> float:
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def _failed(span: Span) -> bool:
    status = span.attributes.get("http.response.status_code", span.attributes.get("http.status_code"))
    return span.error or (isinstance(status, int | str) and str(status).isdigit() and int(status) >= 500)


def _stats(name: str, roots: list[Span], window_s: float) -> EndpointStats:
    durations = sorted(s.duration_ms for s in roots)
    return EndpointStats(
        name=name,
        requests=len(roots),
        rps=round(len(roots) / window_s, 4) if window_s > 0 else None,
        error_rate=round(sum(_failed(s) for s in roots) / len(roots), 4),
        latency=LatencyPercentiles(
            p50_ms=round(_percentile(durations, 0.5), 3),
            p90_ms=round(_percentile(durations, 0.9), 3),
            p95_ms=round(_percentile(durations, 0.95), 3),
            p99_ms=round(_percentile(durations, 0.99), 3),
            max_ms=round(durations[-1], 3),
        ),
    )


def from_traces(traces: list[Trace]) -> Baseline | None:
    """None when no trace has a SERVER root span."""
    served = [t for t in traces if t.root.kind == "server"]
    if not served:
        return None
    roots = [t.root for t in served]
    window_s = (max(s.end_ns for s in roots) - min(s.start_ns for s in roots)) / 1e9
    by_endpoint: dict[str, list[Span]] = defaultdict(list)
    for trace in served:
        by_endpoint[endpoint_of(trace)].append(trace.root)
    endpoints = [
        _stats(name, spans, window_s)
        for name, spans in sorted(by_endpoint.items())
        if len(spans) >= MIN_ROOT_SPANS
    ]
    return Baseline(overall=_stats("overall", roots, window_s), endpoints=endpoints, sources=[SOURCE])
