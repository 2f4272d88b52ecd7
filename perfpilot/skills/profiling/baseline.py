"""Baseline figures from the best evidence available: a load test, histograms, or access logs."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable

from perfpilot.artifacts import Baseline, EndpointStats, LatencyPercentiles, ResourceUsage
from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.evidence.histograms import bucket_counts, quantile_from_buckets
from perfpilot.evidence.models import AccessLogEntry, MetricSample
from perfpilot.evidence.scrape_window import common_window_s
from perfpilot.skills.load_test.k6_baseline import baseline_from_k6
from perfpilot.skills.load_test.roles import assign_roles
from perfpilot.skills.profiling.endpoints import endpoint_namer
from perfpilot.skills.profiling.server_tail import with_server_p99
from perfpilot.skills.profiling.trace_baseline import from_traces

HTTP_HISTOGRAM = "http_request_duration_seconds"
MIN_REQUESTS = 5
STEADY_ROLES = ("baseline", "peak", "soak")  # a stress run is past capacity by design: the last resort


def _percentile(sorted_values: list[float], q: float) -> float:
    rank = max(0, math.ceil(q * len(sorted_values)) - 1)
    return sorted_values[rank]


def latency_of(values_ms: list[float]) -> LatencyPercentiles:
    values = sorted(values_ms)
    if not values:
        return LatencyPercentiles()
    return LatencyPercentiles(
        p50_ms=_percentile(values, 0.5),
        p90_ms=_percentile(values, 0.9),
        p95_ms=_percentile(values, 0.95),
        p99_ms=_percentile(values, 0.99),
        max_ms=values[-1],
    )


def from_access_logs(entries: list[AccessLogEntry], name: Callable[[str, str], str]) -> Baseline | None:
    timed = [e for e in entries if e.duration_ms is not None]
    if not timed:
        return None
    by_path: dict[str, list[AccessLogEntry]] = defaultdict(list)
    for e in timed:
        by_path[name(e.method, e.path)].append(e)
    stamps = [e.timestamp for e in timed if e.timestamp is not None]
    span = (max(stamps) - min(stamps)) if len(stamps) > 1 else 0.0

    def stats(name: str, group: list[AccessLogEntry]) -> EndpointStats:
        return EndpointStats(
            name=name,
            requests=len(group),
            rps=len(group) / span if span > 0 else None,
            error_rate=sum(e.status >= 500 for e in group) / len(group),
            latency=latency_of([e.duration_ms for e in group if e.duration_ms is not None]),
        )

    endpoints = [stats(n, g) for n, g in sorted(by_path.items()) if len(g) >= MIN_REQUESTS]
    return Baseline(overall=stats("overall", timed), endpoints=endpoints, sources=["access_logs"])


def _route_labels(samples: list[MetricSample]) -> list[dict[str, str]]:
    seen: dict[tuple[tuple[str, str], ...], dict[str, str]] = {}
    for s in samples:
        if s.name == f"{HTTP_HISTOGRAM}_count":
            key_labels = {k: v for k, v in s.labels.items() if k in ("route", "handler", "path", "method")}
            seen.setdefault(tuple(sorted(key_labels.items())), key_labels)
    return list(seen.values())


def _stats_from_histogram(
    samples: list[MetricSample], name: str, labels: dict[str, str], window_s: float | None = None
) -> EndpointStats:
    buckets = bucket_counts(samples, HTTP_HISTOGRAM, labels)  # once, for the four quantiles

    def q(quantile: float) -> float | None:
        value = quantile_from_buckets(quantile, buckets)
        return round(value * 1000, 3) if value is not None and math.isfinite(value) else None

    counts = [
        s
        for s in samples
        if s.name == f"{HTTP_HISTOGRAM}_count" and all(s.labels.get(k) == v for k, v in labels.items())
    ]
    total = sum(s.value for s in counts)
    errors = sum(s.value for s in counts if s.labels.get("status", s.labels.get("code", "")).startswith("5"))
    return EndpointStats(
        name=name,
        requests=int(total),
        rps=total / window_s if window_s else None,
        error_rate=(errors / total) if total else None,
        latency=LatencyPercentiles(p50_ms=q(0.5), p90_ms=q(0.9), p95_ms=q(0.95), p99_ms=q(0.99)),
    )


def from_metrics(samples: list[MetricSample], window_s: float | None = None) -> Baseline | None:
    """Histogram figures; requests per second only over a window of scrapes (window_s), never from one."""
    if not any(s.name == f"{HTTP_HISTOGRAM}_bucket" for s in samples):
        return None
    endpoints = []
    for labels in _route_labels(samples):
        route = labels.get("route") or labels.get("handler") or labels.get("path") or "?"
        name = f"{labels['method']} {route}" if "method" in labels else route
        endpoints.append(_stats_from_histogram(samples, name, labels, window_s))
    return Baseline(
        overall=_stats_from_histogram(samples, "overall", {}, window_s),
        endpoints=sorted(endpoints, key=lambda e: e.name),
        sources=["metrics"],
    )


def resources(evidence: EvidenceBundle) -> ResourceUsage:
    """Utilisation of the busiest instance group (p95 where known) or measured node (over its window)."""
    cpu = [v for i in evidence.instances if (v := i.cpu_util_p95 or i.cpu_util_avg) is not None]
    mem = [v for i in evidence.instances if (v := i.mem_util_p95 or i.mem_util_avg) is not None]
    cpu += [n.cpu_utilisation for n in evidence.nodes if n.cpu_utilisation is not None]
    mem += [n.memory_used for n in evidence.nodes if n.memory_used is not None]
    disk = [d.busy for n in evidence.nodes for d in n.disks]
    return ResourceUsage(
        cpu=max(cpu) if cpu else None, memory=max(mem) if mem else None, disk_io=max(disk) if disk else None
    )


def _k6_by_role(evidence: EvidenceBundle) -> tuple[list[Baseline], list[Baseline]]:
    """Baselines of the steady k6 runs (baseline, then peak, then soak role) and of the stress runs."""
    roles = [r.role for r in assign_roles(evidence.load_tests)]
    ranked = sorted(
        (STEADY_ROLES.index(role), i) for i, role in enumerate(roles) if role in STEADY_ROLES
    )
    steady = [baseline_from_k6(evidence.load_tests[i]) for _, i in ranked]
    stress = [baseline_from_k6(evidence.load_tests[i]) for i, role in enumerate(roles) if role == "stress"]
    return steady, stress


def compute_baseline(evidence: EvidenceBundle, live: Baseline | None) -> Baseline:
    """Prefer a live load test, then recorded steady k6 runs, histograms, access logs, traces, stress runs."""
    steady, stress = _k6_by_role(evidence)
    candidates: list[Baseline | None] = [live, *steady]
    namer = endpoint_namer(evidence.target)
    window_s = common_window_s(evidence.series, f"{HTTP_HISTOGRAM}_count")
    logged = from_access_logs(evidence.access_logs, namer)
    candidates += [from_metrics(evidence.metrics, window_s), logged]
    candidates += [from_traces(evidence.traces), *stress]
    chosen = with_server_p99(next((b for b in candidates if b is not None), Baseline()), logged)
    return chosen.model_copy(update={"resources": resources(evidence)})
