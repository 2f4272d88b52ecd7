"""Convert a k6 end-of-test summary into perfpilot's Baseline, overall and per tagged endpoint."""

from __future__ import annotations

from collections.abc import Mapping

from perfpilot.artifacts import Baseline, EndpointStats, LatencyPercentiles
from perfpilot.evidence.k6_summary import find_metric
from perfpilot.evidence.models import K6Metric, K6Summary

_PERCENTILES = {"p50_ms": "med", "p90_ms": "p(90)", "p95_ms": "p(95)", "p99_ms": "p(99)", "max_ms": "max"}


def _latency(metric: K6Metric | None) -> LatencyPercentiles:
    if metric is None:
        return LatencyPercentiles()
    return LatencyPercentiles(**{field: metric.values.get(key) for field, key in _PERCENTILES.items()})


def _stats(summary: K6Summary, name: str, tags: dict[str, str]) -> EndpointStats:
    reqs = find_metric(summary, "http_reqs", tags)
    failed = find_metric(summary, "http_req_failed", tags)
    count = int(reqs.values.get("count", 0)) if reqs else 0
    rate = failed.values.get("rate") if failed else None
    if reqs is not None and count == 0:  # k6 reports zeros for a sub-metric that saw no request
        return EndpointStats(name=name, requests=0, rps=0.0)
    return EndpointStats(
        name=name,
        requests=count,
        rps=reqs.values.get("rate") if reqs else None,
        error_rate=min(1.0, max(0.0, rate)) if rate is not None else None,
        latency=_latency(find_metric(summary, "http_req_duration", tags)),
    )


def endpoint_tags(summary: K6Summary) -> list[str]:
    """Every `name` tag that has its own http_* sub-metric in the summary, in first-seen order."""
    seen: dict[str, None] = {}
    for metric in summary.metrics:
        if metric.name.startswith("http_req") and set(metric.tags) == {"name"}:
            seen.setdefault(metric.tags["name"], None)
    return list(seen)


def phase_p95(summary: K6Summary) -> dict[str, float]:
    """p95 per soak phase ('first', 'middle', 'last' third of the run) where requests completed."""
    found: dict[str, float] = {}
    for metric in summary.metrics:
        if metric.name == "http_req_duration" and set(metric.tags) == {"phase"}:
            reqs = find_metric(summary, "http_reqs", metric.tags)
            p95 = metric.values.get("p(95)")
            if p95 is not None and reqs is not None and reqs.values.get("count", 0) > 0:
                found[metric.tags["phase"]] = p95
    return found


def drift_pct(phases: dict[str, float]) -> float | None:
    """How much p95 grew from the first to the last third of a soak run, in percent."""
    first, last = phases.get("first"), phases.get("last")
    if not first or last is None:
        return None
    return round((last - first) / first * 100, 2)


def baseline_from_k6(summary: K6Summary, names: Mapping[str, str] | None = None) -> Baseline:
    """Overall and per-endpoint p50/p90/p95/p99, requests/s and error rate from one k6 summary.

    Endpoints are the summary's `name`-tagged sub-metrics; `names` maps a tag ('GET /orders/${id}') to
    the endpoint name of target.yaml, in that order first. Tags without a mapping keep the tag as name.
    """
    mapping = dict(names or {})
    tags = endpoint_tags(summary)
    ordered = [t for t in mapping if t in tags] + sorted(t for t in tags if t not in mapping)
    return Baseline(
        overall=_stats(summary, "overall", {}),
        endpoints=[_stats(summary, mapping.get(tag, tag), {"name": tag}) for tag in ordered],
        sources=[summary.source],
    )
