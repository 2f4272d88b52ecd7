"""prometheus_client process_* metrics -> ProcessUsage per scrape target: CPU cores and RSS over time.

RSS growth is the least-squares slope of process_resident_memory_bytes against time, with the r^2 of
that fit, over three scrapes or more (two points always fit a line, so they say nothing of steadiness).
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Sequence

from perfpilot.evidence.counters import increase
from perfpilot.evidence.models import SeriesFields
from perfpilot.evidence.scrape_window import is_timed
from perfpilot.evidence.window_models import SINGLE_SCRAPE_NOTE, ProcessUsage

CPU = "process_cpu_seconds_total"
RSS = "process_resident_memory_bytes"
MIN_POINTS_FOR_FIT = 3


def rss_fit(points: list[tuple[float, float]]) -> tuple[float, float] | None:
    """(bytes per minute, r^2) of a straight line through the RSS points; None under three points."""
    timed = [(t, v) for t, v in points if not math.isnan(t)]
    if len(timed) < MIN_POINTS_FOR_FIT:
        return None
    stamps, values = [t - timed[0][0] for t, _ in timed], [v for _, v in timed]
    if len(set(stamps)) < 2:
        return None
    slope, _ = statistics.linear_regression(stamps, values)
    r2 = statistics.correlation(stamps, values) ** 2 if len(set(values)) > 1 else 0.0
    return slope * 60, r2


def _usage(key: tuple[str, str, str], members: list[SeriesFields]) -> ProcessUsage:
    job, instance, _ = key
    rss = next((s for s in members if s.name == RSS), None)
    cpu = next((s for s in members if s.name == CPU), None)
    grown = increase(cpu.points) if cpu is not None else None
    fit = rss_fit(rss.points) if rss is not None else None
    values = [v for _, v in rss.points] if rss is not None else []
    stamps = [t for s in members for t, _ in s.points if not math.isnan(t)]
    scrapes = max(len(s.points) for s in members)
    return ProcessUsage(
        job=job,
        instance=instance,
        window_s=(max(stamps) - min(stamps)) if stamps else 0.0,
        scrapes=scrapes,
        cpu_cores=grown.rate if grown is not None else None,
        rss_bytes=values[-1] if values else None,
        rss_min_bytes=min(values) if values else None,
        rss_max_bytes=max(values) if values else None,
        rss_growth_bytes_per_min=fit[0] if fit else None,
        rss_fit_r2=fit[1] if fit else None,
        note="" if scrapes > 1 else SINGLE_SCRAPE_NOTE,
    )


def process_usage(series: Sequence[SeriesFields]) -> list[ProcessUsage]:
    """Usage of every scrape target (job, instance) that exposes process_cpu_seconds_total or RSS."""
    groups: dict[tuple[str, str, str], list[SeriesFields]] = defaultdict(list)
    for one in series:
        if one.name in (CPU, RSS) and one.points:
            untimed_source = "" if is_timed(one) else one.sources[0]
            groups[(one.labels.get("job", ""), one.labels.get("instance", ""), untimed_source)].append(one)
    return [_usage(key, members) for key, members in sorted(groups.items())]
