"""Noise of repeated runs: the spread of a figure as a share of its median (percent), and per-run figures."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from pathlib import Path

from perfpilot.artifacts import Baseline, EndpointStats


def spread_pct(values: Sequence[float | None]) -> float | None:
    """(max - min) / median * 100 over the runs that gave a value; None with fewer than two."""
    present = [v for v in values if v is not None]
    if len(present) < 2:
        return None
    middle = statistics.median(present)
    if middle <= 0:
        return None
    return round((max(present) - min(present)) / middle * 100, 2)


def median_index(values: Sequence[float | None]) -> int:
    """Index of the run whose value is the (lower) median, so a report cites one real run, not a mean."""
    ranked = sorted((v, i) for i, v in enumerate(values) if v is not None)
    if not ranked:
        return 0
    return ranked[(len(ranked) - 1) // 2][1]


def with_run_noise(chosen: Baseline, runs: Sequence[Baseline | None], durations: Path | None) -> Baseline:
    """The chosen run's Baseline plus each endpoint's p95/p99 in every repeated run (when repeated) and
    the file of its per-request durations (when captured), for the validator's confidence interval."""
    present = [b for b in runs if b is not None]

    def spread(stats: EndpointStats) -> EndpointStats:
        if len(present) < 2:
            return stats
        same = [b.overall if stats.name == "overall" else b.endpoint(stats.name) for b in present]
        p95 = [s.latency.p95_ms for s in same if s is not None and s.latency.p95_ms is not None]
        p99 = [s.latency.p99_ms for s in same if s is not None and s.latency.p99_ms is not None]
        return stats.model_copy(update={"run_p95_ms": p95, "run_p99_ms": p99})

    return chosen.model_copy(
        update={
            "overall": spread(chosen.overall),
            "endpoints": [spread(e) for e in chosen.endpoints],
            "request_durations": str(durations) if durations else None,
        }
    )
