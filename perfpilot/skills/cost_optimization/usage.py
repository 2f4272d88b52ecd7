"""Observed container usage from cAdvisor metrics, per container over every pod of its workload.

CPU comes from the counter `container_cpu_usage_seconds_total`, read as rates: each interval between
consecutive scrapes of one series gives cores = increase / seconds (perfpilot.evidence.counters, resets
counted). Memory comes from the gauge `container_memory_working_set_bytes`. Series are keyed by
namespace, pod and container; a workload's pods are named `<workload>-...`.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from perfpilot.evidence.counters import interval_rates
from perfpilot.evidence.models import K8sWorkload, MetricSample, MetricSeries

CPU_METRIC = "container_cpu_usage_seconds_total"
MEMORY_METRIC = "container_memory_working_set_bytes"

UsageKey = tuple[str, str, str]


@dataclass(frozen=True)
class SeriesUsage:
    """One pod's container: CPU rates per scrape interval (cores), memory values (bytes), window."""

    cpu_rates: tuple[float, ...] = ()
    memory_bytes: tuple[float, ...] = ()
    window_s: float = 0.0


@dataclass(frozen=True)
class ContainerUsage:
    """Usage over every pod of one workload's container: the rates and values, pooled."""

    cpu_rates: tuple[float, ...]
    memory_bytes: tuple[float, ...]
    pods: int
    window_s: float

    @property
    def cpu_cores(self) -> float | None:
        """The peak interval rate (cores)."""
        return max(self.cpu_rates) if self.cpu_rates else None

    @property
    def memory_mib(self) -> float | None:
        """The peak working set (MiB)."""
        return max(self.memory_bytes) / 2**20 if self.memory_bytes else None

    def cpu_percentile(self, q: float) -> float | None:
        """Nearest-rank percentile (q in (0, 1]) of the interval rates, in cores."""
        if not self.cpu_rates:
            return None
        ordered = sorted(self.cpu_rates)
        return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def _key(labels: dict[str, str]) -> UsageKey | None:
    container = labels.get("container", "")
    if not container or container == "POD" or "pod" not in labels:
        return None
    return labels.get("namespace", ""), labels["pod"], container


def _points(
    samples: list[MetricSample], series: list[MetricSeries], name: str
) -> dict[UsageKey, list[tuple[float, float]]]:
    """Points per container: a series' own points, else samples (which may be the series read over
    the scrape window, so they are left out wherever the series are at hand)."""
    grouped: dict[UsageKey, list[tuple[float, float]]] = defaultdict(list)
    for one in series:
        key = _key(one.labels)
        if one.name == name and key is not None:
            grouped[key].extend(one.points)
    in_series = set(grouped)
    for sample in samples:
        key = _key(sample.labels)
        if sample.name == name and key is not None and key not in in_series:
            stamp = sample.timestamp_ms / 1000 if sample.timestamp_ms is not None else float("nan")
            grouped[key].append((stamp, sample.value))
    return grouped


def _window(points: list[tuple[float, float]]) -> float:
    stamps = [t for t, _ in points if not math.isnan(t)]
    return max(stamps) - min(stamps) if len(stamps) > 1 else 0.0


def observed_usage(samples: list[MetricSample], series: list[MetricSeries]) -> dict[UsageKey, SeriesUsage]:
    """CPU rates and memory values for every (namespace, pod, container) the metrics cover."""
    cpu = _points(samples, series, CPU_METRIC)
    memory = _points(samples, series, MEMORY_METRIC)
    usage = {}
    for key in cpu.keys() | memory.keys():
        timed = [p for p in cpu.get(key, []) if not math.isnan(p[0])]
        rates = tuple(rate for _, rate in interval_rates(timed))
        values = tuple(v for _, v in memory.get(key, []))
        usage[key] = SeriesUsage(rates, values, max(_window(timed), _window(memory.get(key, []))))
    return usage


def workload_usage(
    workload: K8sWorkload, container: str, usage: dict[UsageKey, SeriesUsage]
) -> ContainerUsage | None:
    """Usage pooled over the workload's pods (named '<workload>-...') for one container, or None when
    unobserved."""
    rows = [
        value
        for (namespace, pod, name), value in usage.items()
        if name == container and pod.startswith(f"{workload.name}-") and namespace in ("", workload.namespace)
    ]
    if not rows:
        return None
    return ContainerUsage(
        cpu_rates=tuple(r for row in rows for r in row.cpu_rates),
        memory_bytes=tuple(m for row in rows for m in row.memory_bytes),
        pods=len(rows),
        window_s=max(row.window_s for row in rows),
    )
