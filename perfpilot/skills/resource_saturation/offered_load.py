"""The load a service was offered and how long its requests took, from its load tests or traces.

Offered rate: k6's completed iterations plus the ones it dropped (an arrival-rate executor drops an
arrival it has no free VU for: the service fell behind), over the run's duration; served rate: k6's
http_reqs rate. Mean request time: k6's http_req_duration average, else the traced SERVER roots' mean.
With several runs, the busiest (highest offered rate) is the one read.
"""

from __future__ import annotations

from dataclasses import dataclass

from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.evidence.k6_summary import find_metric
from perfpilot.evidence.models import K6Summary


@dataclass(frozen=True)
class OfferedLoad:
    """One run's offered and served rates (requests/s), mean request time and where they came from."""

    source: str
    offered_rps: float | None
    served_rps: float | None
    requests: int
    dropped: int
    mean_request_ms: float | None


def _count(summary: K6Summary, name: str) -> float:
    metric = find_metric(summary, name)
    return metric.values.get("count", 0.0) if metric else 0.0


def _from_k6(summary: K6Summary) -> OfferedLoad:
    reqs = find_metric(summary, "http_reqs")
    duration = find_metric(summary, "http_req_duration")
    served = reqs.values.get("rate") if reqs else None
    dropped = _count(summary, "dropped_iterations")
    iterations = _count(summary, "iterations")
    offered = served
    if dropped and iterations and summary.duration_s:
        offered = max(served or 0.0, (iterations + dropped) / summary.duration_s)
    return OfferedLoad(
        source=summary.source,
        offered_rps=offered,
        served_rps=served,
        requests=int(reqs.values.get("count", 0)) if reqs else 0,
        dropped=int(dropped),
        mean_request_ms=duration.values.get("avg") if duration else None,
    )


def _from_traces(evidence: EvidenceBundle) -> OfferedLoad | None:
    served = [t.root.duration_ms for t in evidence.traces if t.root.kind == "server"]
    if not served:
        return None
    return OfferedLoad(
        source="traces",
        offered_rps=None,
        served_rps=None,
        requests=len(served),
        dropped=0,
        mean_request_ms=sum(served) / len(served),
    )


def offered_load(evidence: EvidenceBundle) -> OfferedLoad | None:
    """The busiest load test's figures, else the traces' mean request time; None with neither."""
    runs = [_from_k6(s) for s in evidence.load_tests]
    if runs:
        return max(runs, key=lambda r: r.offered_rps or 0.0)
    return _from_traces(evidence)
