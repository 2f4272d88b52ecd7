"""Attribute request time at a reverse proxy from its access log's upstream timings (nginx).

Per request: connecting to the upstream ($upstream_connect_time) and the proxy's own time around the
upstream ($request_time - $upstream_response_time: reading the request, writing the response) are edge
time; the upstream's time once connected ($upstream_response_time - $upstream_connect_time) is
application time. A request with no upstream reached (served by the proxy or its cache) is all edge.
Used when no traces or metric sums split the time more directly.
"""

from __future__ import annotations

from collections import defaultdict

from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.skills.profiling.attribution import LayerTimes
from perfpilot.skills.profiling.endpoints import endpoint_namer

METHOD = "access log upstream timings (connect and proxy time = edge, upstream time = application)"


def from_upstream_timings(evidence: EvidenceBundle) -> LayerTimes | None:
    """Edge and application seconds per endpoint; None unless the log carries upstream response times."""
    timed = [e for e in evidence.access_logs if e.duration_ms is not None]
    if not any(e.upstream_response_ms is not None for e in timed):
        return None
    name = endpoint_namer(evidence.target)
    times = LayerTimes(method=METHOD)
    per: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for entry in timed:
        request_s = (entry.duration_ms or 0.0) / 1000
        upstream_s = min(request_s, (entry.upstream_response_ms or 0.0) / 1000)
        connect_s = min(upstream_s, (entry.upstream_connect_ms or 0.0) / 1000)
        edge = connect_s + (request_s - upstream_s)
        app = upstream_s - connect_s
        times.edge += edge
        times.application += app
        layers = per[name(entry.method, entry.path)]
        layers["edge"] += edge
        layers["application"] += app
        layers["requests"] += 1
    times.per_endpoint = {k: dict(v) for k, v in per.items()}
    return times if times.total > 0 else None
