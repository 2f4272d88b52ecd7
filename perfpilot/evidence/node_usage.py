"""node_exporter metrics -> NodeUsage per node: CPU, memory, load, disk busy and filesystem free.

CPU utilisation is 1 - (idle CPU seconds per second summed over CPUs) / CPUs, from the increase of
node_cpu_seconds_total{mode="idle"} over the window; disk busy is the rate of
node_disk_io_time_seconds_total. Both need two scrapes or more. Memory, load and filesystems are gauges.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence

from perfpilot.evidence.counters import increase
from perfpilot.evidence.models import SeriesFields
from perfpilot.evidence.scrape_window import is_timed
from perfpilot.evidence.window_models import DiskBusy, FilesystemFree, NodeUsage, instance_host

CPU = "node_cpu_seconds_total"
MEM_AVAILABLE, MEM_TOTAL = "node_memory_MemAvailable_bytes", "node_memory_MemTotal_bytes"
DISK_IO_TIME = "node_disk_io_time_seconds_total"
FS_AVAIL, FS_SIZE = "node_filesystem_avail_bytes", "node_filesystem_size_bytes"
LOADS = ("node_load1", "node_load5", "node_load15")
SINGLE_SCRAPE = (
    "one scrape: CPU utilisation and disk busy need two scrapes; memory, load and disks are as scraped"
)

NodeKey = tuple[str, str, str]


def _last(series: SeriesFields) -> float:
    return series.points[-1][1]


def _rate(series: SeriesFields) -> float | None:
    grown = increase(series.points)
    return grown.rate if grown is not None else None


def _cpu(members: list[SeriesFields]) -> tuple[int | None, dict[str, float]]:
    """(CPUs, share of CPU time per mode over the window); modes without a rate for every CPU left out."""
    per_mode: dict[str, list[float | None]] = defaultdict(list)
    cpus = len({s.labels.get("cpu", "") for s in members if s.name == CPU}) or None
    for one in members:
        if one.name == CPU:
            per_mode[one.labels.get("mode", "")].append(_rate(one))
    shares = {
        mode: min(1.0, max(0.0, sum(r for r in rates if r is not None) / cpus))
        for mode, rates in sorted(per_mode.items())
        if cpus and len(rates) == cpus and all(r is not None for r in rates)
    }
    return cpus, shares


def _memory(by_name: dict[str, SeriesFields]) -> tuple[float | None, float | None]:
    """(used at the last scrape, highest used) from points of both gauges taken at the same time."""
    available, total = by_name.get(MEM_AVAILABLE), by_name.get(MEM_TOTAL)
    if available is None or total is None:
        return None, None
    totals = {stamp: value for stamp, value in total.points if not math.isnan(stamp)}
    pairs = [(value, totals[stamp]) for stamp, value in available.points if totals.get(stamp)]
    if not pairs and _last(total):  # untimed: one scrape of each
        pairs = [(_last(available), _last(total))]
    used = [min(1.0, max(0.0, 1 - free / whole)) for free, whole in pairs]
    return (used[-1], max(used)) if used else (None, None)


def _disks(members: list[SeriesFields]) -> list[DiskBusy]:
    disks = []
    for one in sorted(
        (s for s in members if s.name == DISK_IO_TIME), key=lambda s: s.labels.get("device", "")
    ):
        rate = _rate(one)
        if rate is not None:
            disks.append(DiskBusy(device=one.labels.get("device", ""), busy=min(1.0, max(0.0, rate))))
    return disks


def _filesystems(members: list[SeriesFields]) -> list[FilesystemFree]:
    sizes = {
        (s.labels.get("device", ""), s.labels.get("mountpoint", "")): _last(s)
        for s in members
        if s.name == FS_SIZE
    }
    found = []
    for one in members:
        key = (one.labels.get("device", ""), one.labels.get("mountpoint", ""))
        if one.name == FS_AVAIL and sizes.get(key):
            free = min(1.0, max(0.0, _last(one) / sizes[key]))
            found.append(FilesystemFree(device=key[0], mountpoint=key[1], free=free, size_bytes=sizes[key]))
    return sorted(found, key=lambda f: f.mountpoint)


def _node(key: NodeKey, members: list[SeriesFields]) -> NodeUsage:
    job, instance, _ = key
    by_name = {s.name: s for s in members if s.name in (MEM_AVAILABLE, MEM_TOTAL, *LOADS)}
    uname = next((s for s in members if s.name == "node_uname_info"), None)
    name = (uname.labels.get("nodename") if uname else None) or instance_host(instance) or "node"
    cpus, modes = _cpu(members)
    memory_used, memory_max = _memory(by_name)
    stamps = [t for s in members for t, _ in s.points if not math.isnan(t)]
    scrapes = max(len(s.points) for s in members)
    return NodeUsage(
        node=name,
        job=job,
        instance=instance,
        window_s=(max(stamps) - min(stamps)) if stamps else 0.0,
        scrapes=scrapes,
        cpus=cpus,
        cpu_utilisation=1 - modes["idle"] if "idle" in modes else None,
        cpu_modes=modes,
        memory_used=memory_used,
        memory_used_max=memory_max,
        load_per_cpu={
            n.removeprefix("node_"): _last(by_name[n]) / cpus for n in LOADS if n in by_name and cpus
        },
        disks=_disks(members),
        filesystems=_filesystems(members),
        note="" if scrapes > 1 else SINGLE_SCRAPE,
    )


def node_usage(series: Sequence[SeriesFields]) -> list[NodeUsage]:
    """Usage of every node (job, instance) whose node_exporter metrics the series hold."""
    groups: dict[NodeKey, list[SeriesFields]] = defaultdict(list)
    for one in series:
        if one.name.startswith("node_") and one.points:
            untimed_source = "" if is_timed(one) else one.sources[0]
            groups[(one.labels.get("job", ""), one.labels.get("instance", ""), untimed_source)].append(one)
    return [_node(key, members) for key, members in sorted(groups.items()) if _has_usage(members)]


def _has_usage(members: list[SeriesFields]) -> bool:
    return any(s.name in (CPU, MEM_TOTAL, *LOADS) for s in members)
