"""Measured peaks of an inventory instance from its processes' prometheus_client metrics.

CPU: the highest per-interval rate of `process_cpu_seconds_total` (counters differenced between
consecutive scrapes, restarts counted), in cores; memory: the highest `process_resident_memory_bytes`.
A series belongs to the instance its `job`/`service` label or its `instance` host names. The peaks only
raise the inventory's measured maxima (cpu_util_max, mem_util_max): a short window can show that an
instance needs capacity, never that it needs less than the inventory says.
"""

from __future__ import annotations

from collections import defaultdict

from perfpilot.evidence.counters import interval_rates
from perfpilot.evidence.models import Instance, MetricSeries
from perfpilot.skills.cost_optimization.serving import names_instance

PROCESS_CPU = "process_cpu_seconds_total"
PROCESS_RSS = "process_resident_memory_bytes"
GIB = 2**30


def _peaks(instance: Instance, series: list[MetricSeries]) -> tuple[float | None, float | None, int]:
    """(peak cores, peak RSS bytes, processes) summed over the instance's processes: each process's
    own peak, so concurrent processes are never under-counted."""
    cpu: dict[tuple[str, ...], float] = defaultdict(float)
    rss: dict[tuple[str, ...], float] = defaultdict(float)
    for one in series:
        if one.name not in (PROCESS_CPU, PROCESS_RSS) or not names_instance(one, instance):
            continue
        key = (one.labels.get("job", ""), one.labels.get("instance", ""))
        if one.name == PROCESS_CPU:
            rates = interval_rates(one.points)
            if rates:
                cpu[key] = max(cpu[key], max(r for _, r in rates))
        elif one.points:
            rss[key] = max(rss[key], max(v for _, v in one.points))
    processes = len(cpu.keys() | rss.keys())
    return (sum(cpu.values()) if cpu else None, sum(rss.values()) if rss else None, processes)


def with_process_peaks(
    instances: list[Instance], series: list[MetricSeries]
) -> tuple[list[Instance], list[str]]:
    """Instances whose measured process peaks exceed (or fill) the inventory's maxima, with a note each."""
    completed, notes = [], []
    for instance in instances:
        cores, rss, processes = _peaks(instance, series)
        update: dict[str, float] = {}
        if cores is not None:
            util = min(1.0, cores / instance.vcpu)
            if instance.cpu_util_max is None or util > instance.cpu_util_max:
                update["cpu_util_max"] = round(util, 6)
        if rss is not None:
            util = min(1.0, rss / (instance.memory_gib * GIB))
            if instance.mem_util_max is None or util > instance.mem_util_max:
                update["mem_util_max"] = round(util, 6)
        if update:
            figures = []
            if cores is not None:
                share_of = f"{cores / instance.vcpu:.2%} of {instance.vcpu:g} vCPU"
                figures.append(f"peak CPU {cores:.3f} cores ({share_of})")
            if rss is not None:
                figures.append(f"peak RSS {rss / 2**20:.0f} MiB")
            notes.append(
                f"{instance.name}: {', '.join(figures)} measured from {processes} process(es)' "
                "process_cpu_seconds_total rates and process_resident_memory_bytes; the sizing keeps them"
            )
            instance = instance.model_copy(update=update)
        completed.append(instance)
    return completed, notes
