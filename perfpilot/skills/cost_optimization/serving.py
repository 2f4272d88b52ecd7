"""Whether an inventory instance serves measured traffic: requests counted in its metrics, or the load
test or access log of the target it is named after.

An instance that serves requests does work, however low its utilisation: it is over-provisioned
(rightsize it), never idle (stop it). Idle means no measurable work at all.
"""

from __future__ import annotations

from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.evidence.counters import increase, is_cumulative
from perfpilot.evidence.models import Instance, MetricSeries
from perfpilot.evidence.window_models import instance_host

SERVICE_LABELS = ("job", "service", "service_name", "app", "application")
"""Labels that name the service a series was scraped from (Prometheus job, OpenTelemetry service.name)."""


def is_request_counter(series: MetricSeries) -> bool:
    """A cumulative count of served requests: `*_requests_total`, `http_server_requests_seconds_count`,
    `http_request_duration_seconds_count` and the like (histogram `_count` parts count requests)."""
    name = series.name
    if not is_cumulative(name, series.kind) or name.endswith(("_bucket", "_sum")):
        return False
    return "request" in name and name.endswith(("_total", "_count"))


def names_instance(series: MetricSeries, instance: Instance) -> bool:
    labels = series.labels
    if instance_host(labels.get("instance", "")) == instance.name:
        return True
    return any(labels.get(label) == instance.name for label in SERVICE_LABELS)


def _metric_rate(instance: Instance, series: list[MetricSeries]) -> tuple[float, float] | None:
    """(requests/s, window seconds) of the request counter that names this instance, summed over its
    label sets; with several counters of the same requests (a `_total` and a histogram `_count`), the
    busiest one (they count the same requests, so they are not added)."""
    by_name: dict[str, tuple[float, float]] = {}
    for one in series:
        if not names_instance(one, instance):
            continue
        grown = increase(one.points)
        if grown is None or grown.seconds <= 0:
            continue
        total, seconds = by_name.get(one.name, (0.0, 0.0))
        by_name[one.name] = (total + grown.value, max(seconds, grown.seconds))
    rates = [(total / seconds, seconds) for total, seconds in by_name.values() if total > 0]
    return max(rates) if rates else None


def _load_test_requests(evidence: EvidenceBundle) -> float:
    counts = [m.values.get("count", 0.0) for s in evidence.load_tests for m in s.metrics
              if m.name == "http_reqs" and not m.tags]
    return sum(counts) + len(evidence.access_logs)


def measured_traffic(instance: Instance, evidence: EvidenceBundle) -> str | None:
    """What shows the instance serving requests, in words; None when nothing measured shows it."""
    rate = _metric_rate(instance, _request_series(evidence))
    if rate is not None:
        return f"{rate[0]:.2f} requests/s counted in its metrics over {rate[1]:.0f} s"
    requests = _load_test_requests(evidence)
    if instance.name == evidence.target.name and requests > 0:
        return f"{requests:.0f} requests measured against {evidence.target.name} (load test / access log)"
    return None


def _request_series(evidence: EvidenceBundle) -> list[MetricSeries]:
    return [s for s in evidence.series if is_request_counter(s)]
