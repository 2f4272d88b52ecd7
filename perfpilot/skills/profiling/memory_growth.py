"""Memory-growth bottlenecks: a process whose resident memory climbs steadily over the scrape window.

Steady means three scrapes or more, a straight-line fit of RSS against time with r^2 >= 0.9, and growth
over the window of at least 10 % of the first RSS. time_share is the growth per hour relative to the mean
RSS, capped at 1 (a process doubling in an hour scores 1); impact = time_share * pressure, where pressure
is the worst SLO pressure but at least 0.5, as for cost: memory that keeps growing runs out whatever the
latency is today.
A short window shows a trend, not a leak: the title says "suspected" and the figures give the window.
"""

from __future__ import annotations

from perfpilot.artifacts import Bottleneck, EvidenceRef, stable_id
from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.evidence.window_models import ProcessUsage

MIN_R2 = 0.9
MIN_GROWTH = 0.10


def _growth(process: ProcessUsage) -> tuple[float, float] | None:
    """(growth over the window as a share of the first RSS, growth per hour as a share of the mean)."""
    slope, r2 = process.rss_growth_bytes_per_min, process.rss_fit_r2
    low, high = process.rss_min_bytes, process.rss_max_bytes
    if slope is None or r2 is None or low is None or high is None or low <= 0:
        return None
    if slope <= 0 or r2 < MIN_R2:
        return None
    over_window = slope * process.window_s / 60 / low
    return over_window, slope * 60 / ((low + high) / 2)


def _bottleneck(process: ProcessUsage, growth: tuple[float, float], pressure: float) -> Bottleneck:
    subject = ", ".join(filter(None, (process.job, process.instance))) or "process"
    per_min = process.rss_growth_bytes_per_min or 0.0
    share = round(min(1.0, growth[1]), 4)
    figures = {
        "rss_growth_bytes_per_min": round(per_min, 1),
        "rss_fit_r2": round(process.rss_fit_r2 or 0.0, 4),
        "rss_first_bytes": process.rss_min_bytes or 0.0,
        "rss_last_bytes": process.rss_bytes or 0.0,
        "window_s": round(process.window_s, 3),
        "scrapes": float(process.scrapes),
        "growth_over_window": round(growth[0], 4),
    }
    return Bottleneck(
        id=stable_id("bn", "application", "memory-growth", subject),
        layer="application",
        title=f"Resident memory of {subject} grows {per_min / 2**20:.1f} MiB/min steadily "
        f"(r^2 {process.rss_fit_r2:.2f} over {process.window_s:.0f} s): suspected leak",
        subject=subject,
        impact=round(min(1.0, share * pressure), 4),
        time_share=share,
        metrics={**figures, "pressure": round(pressure, 4)},
        evidence=[EvidenceRef(source=f"process_resident_memory_bytes ({subject})", values=figures)],
    )


def memory_growth_bottlenecks(evidence: EvidenceBundle, pressures: dict[str, float]) -> list[Bottleneck]:
    """One bottleneck per process whose RSS grew steadily over the window."""
    pressure = max([0.5, *pressures.values()])
    found = []
    for process in evidence.processes:
        growth = _growth(process)
        if growth is not None and growth[0] >= MIN_GROWTH:
            found.append(_bottleneck(process, growth, pressure))
    return found
