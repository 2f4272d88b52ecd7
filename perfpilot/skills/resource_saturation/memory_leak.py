"""memory_leak: a process whose resident memory grows steadily under load, per request and per minute.

A process qualifies as the profiler's memory-growth bottleneck does (three scrapes or more, a straight
line of RSS against time with r^2 >= MIN_R2, growth over the window >= MIN_GROWTH of its first RSS).
Growth per request = growth per second / the requests per second its own request counter shows over
the same window. The memory it runs in: the inventory entry or Kubernetes container named like its
scrape job (memory per instance, or the container's limit); time to fill it = room left / growth.
Mitigation until the code is fixed, process recycling after N requests, where N keeps the growth within
RECYCLE_SHARE of that memory (or, with no memory known, within the process's starting RSS).
impact = growth per hour / mean RSS, capped at 1 (as the profiler's time share).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from perfpilot.artifacts import EvidenceRef, Finding, ImpactEstimate, Remediation
from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.evidence.window_models import ProcessUsage
from perfpilot.skills.profiling.memory_growth import MIN_GROWTH, MIN_R2
from perfpilot.skills.resource_saturation.findings import saturation_finding
from perfpilot.skills.resource_saturation.served_requests import served_requests

RECYCLE_SHARE = 0.5
MIB = 2**20


@dataclass(frozen=True)
class MemoryRoom:
    bytes: float
    basis: str


def _subject(process: ProcessUsage) -> str:
    return ", ".join(filter(None, (process.job, process.instance))) or "process"


def memory_room(process: ProcessUsage, evidence: EvidenceBundle) -> MemoryRoom | None:
    """The memory the process runs in: its inventory entry's memory, else its container's limit."""
    job = process.job
    if not job:
        return None
    instance = next((i for i in evidence.instances if i.name == job), None)
    if instance is not None:
        return MemoryRoom(
            instance.memory_gib * 2**30, f"{instance.instance_type} ({instance.memory_gib:g} GiB, inventory)"
        )
    for workload in evidence.kubernetes:
        for container in workload.containers:
            if job in (workload.name, container.name) and container.memory_limit_mib:
                return MemoryRoom(
                    container.memory_limit_mib * MIB,
                    f"container {container.name} limit {container.memory_limit_mib:g} MiB",
                )
    return None


def _steady(process: ProcessUsage) -> bool:
    slope, r2, first = process.rss_growth_bytes_per_min, process.rss_fit_r2, process.rss_min_bytes
    if slope is None or r2 is None or not first or slope <= 0 or r2 < MIN_R2:
        return False
    return slope * process.window_s / 60 / first >= MIN_GROWTH


def _recycle_after(
    per_request: float | None, room: MemoryRoom | None, first: float
) -> tuple[int, str] | None:
    if not per_request:
        return None
    if room is not None:
        budget, basis = RECYCLE_SHARE * room.bytes - first, f"{RECYCLE_SHARE:.0%} of {room.basis}"
    else:
        budget, basis = first, "the process's starting RSS (no memory size in the evidence)"
    if budget <= 0:
        return None
    return max(1, math.floor(budget / per_request)), basis


def _content(per_request: float | None, recycle: tuple[int, str] | None) -> str:
    each = f" (about {per_request / 1024:,.1f} KiB per request)" if per_request else ""
    steps = [
        "1. Find what grows: under load, take two heap snapshots a few minutes apart and compare them by "
        "allocation site (Python tracemalloc snapshot compare_to, JVM heap dumps in Eclipse MAT, Go pprof "
        f"-diff_base, Node heap snapshots){each}; the objects whose count follows the requests are the leak.",
        "2. Bound or remove it: a module-level dict, list or cache keyed per request and never evicted is "
        "the usual cause; drop it, or give it a size limit and a TTL (an LRU such as functools.lru_cache("
        "maxsize=...) or cachetools.TTLCache).",
    ]
    if recycle is not None:
        n, basis = recycle
        steps.append(
            f"3. Until it is fixed, recycle worker processes after {n:,} requests (gunicorn --max-requests "
            f"{n} --max-requests-jitter {max(1, n // 10)}, uWSGI max-requests): growth stays within {basis}."
        )
    return "\n".join(steps)


def leak_finding(process: ProcessUsage, evidence: EvidenceBundle) -> Finding | None:
    """The finding for one process, or None unless its RSS grew steadily."""
    if not _steady(process):
        return None
    per_min = process.rss_growth_bytes_per_min or 0.0
    first, last = process.rss_min_bytes or 0.0, process.rss_bytes or 0.0
    served = served_requests(evidence.series, process.job, process.instance)
    rps = served.rps if served is not None else None
    per_request = per_min / 60 / rps if rps else None
    room = memory_room(process, evidence)
    fill_h = (room.bytes - last) / per_min / 60 if room is not None and room.bytes > last else None
    recycle = _recycle_after(per_request, room, first)
    subject = _subject(process)
    mean = (first + (process.rss_max_bytes or last)) / 2
    facts = (
        f"RSS {first / MIB:,.0f} -> {last / MIB:,.0f} MiB over {process.window_s:.0f} s "
        f"({process.scrapes} scrapes, r^2 {process.rss_fit_r2:.2f}): {per_min / MIB:,.1f} MiB/min"
        + (
            f", {per_request / 1024:,.1f} KiB per request at {rps:.1f} req/s ({served.counter})"
            if served and per_request and rps
            else ""
        )
        + (f"; {room.basis} fills in {fill_h:.1f} h at this rate" if room and fill_h is not None else "")
    )
    return saturation_finding(
        kind="memory_leak",
        layer="application",
        subject=subject,
        title=f"{subject} leaks memory: {per_min / MIB:,.1f} MiB/min"
        + (f", {per_request / 1024:,.1f} KiB per request" if per_request else "")
        + ", never released",
        root_cause=(
            f"Resident memory grows in a straight line with the load and is not given back: {facts}. "
            "Something keeps a reference per request; more memory only postpones the out-of-memory kill."
        ),
        impact=per_min * 60 / mean if mean > 0 else 1.0,
        estimate=ImpactEstimate(
            metric=f"rss_growth_bytes_per_min:{subject}",
            current=round(per_min, 1),
            expected=0.0,
            unit="bytes/min",
            method="least-squares slope of process_resident_memory_bytes over the window; a bounded "
            "store stops the growth",
        ),
        remediation=Remediation(
            kind="patch",
            title=f"Find and bound what grows per request in {process.job or subject}",
            content=_content(per_request, recycle),
            rollback="Revert the patch (and remove the max-requests setting).",
            effort_days=2,
            risk="medium",
        ),
        evidence=[
            EvidenceRef(
                source=f"process_resident_memory_bytes ({subject})",
                excerpt=facts[:2000],
                values={
                    k: round(v, 3)
                    for k, v in {
                        "rss_growth_bytes_per_min": per_min,
                        "bytes_per_request": per_request,
                        "requests_per_s": rps,
                        "hours_to_fill": fill_h,
                        "recycle_after_requests": float(recycle[0]) if recycle else None,
                    }.items()
                    if v is not None
                },
            )
        ],
        complexity="complex",
    )
