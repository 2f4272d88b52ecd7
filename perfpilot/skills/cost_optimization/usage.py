"""Observed container usage from cAdvisor metrics: peak CPU cores and peak working-set MiB per container.

CPU comes from the counter `container_cpu_usage_seconds_total` (cores = increase / elapsed seconds between
consecutive points of one series; the peak interval rate is kept). Memory comes from the gauge
`container_memory_working_set_bytes` (the peak value is kept). Both are keyed by namespace, pod, container.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from dataclasses import dataclass

from perfpilot.evidence.models import K8sWorkload, MetricSample, MetricSeries

CPU_METRIC = "container_cpu_usage_seconds_total"
MEMORY_METRIC = "container_memory_working_set_bytes"

UsageKey = tuple[str, str, str]


@dataclass(frozen=True)
class ContainerUsage:
    """Peaks over every pod of one workload's container."""

    cpu_cores: float | None
    memory_mib: float | None
    pods: int


def _key(labels: dict[str, str]) -> UsageKey | None:
    container = labels.get("container", "")
    if not container or container == "POD" or "pod" not in labels:
        return None
    return labels.get("namespace", ""), labels["pod"], container


def _peak_rate(points: list[tuple[float, float]]) -> float | None:
    ordered = sorted(points)
    rates = [
        (v2 - v1) / (t2 - t1) for (t1, v1), (t2, v2) in itertools.pairwise(ordered) if t2 > t1 and v2 >= v1
    ]
    return max(rates) if rates else None


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


def observed_usage(
    samples: list[MetricSample], series: list[MetricSeries]
) -> dict[UsageKey, tuple[float | None, float | None]]:
    """(peak cores, peak MiB) for every (namespace, pod, container) the metrics cover."""
    cpu = {
        key: _peak_rate([p for p in pts if not math.isnan(p[0])])
        for key, pts in _points(samples, series, CPU_METRIC).items()
    }
    memory = {
        key: max(v for _, v in pts) / 2**20
        for key, pts in _points(samples, series, MEMORY_METRIC).items()
        if pts
    }
    return {key: (cpu.get(key), memory.get(key)) for key in cpu.keys() | memory.keys()}


def workload_usage(
    workload: K8sWorkload, container: str, usage: dict[UsageKey, tuple[float | None, float | None]]
) -> ContainerUsage | None:
    """Peaks over the workload's pods (named '<workload>-...') for one container, or None when unobserved."""
    rows = [
        value
        for (namespace, pod, name), value in usage.items()
        if name == container and pod.startswith(f"{workload.name}-") and namespace in ("", workload.namespace)
    ]
    if not rows:
        return None
    cpus = [c for c, _ in rows if c is not None]
    mems = [m for _, m in rows if m is not None]
    return ContainerUsage(max(cpus) if cpus else None, max(mems) if mems else None, len(rows))
