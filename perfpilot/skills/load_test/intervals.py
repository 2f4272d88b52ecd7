"""Per-second figures from k6's CSV output, to place a stress run's breaking point in time."""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from pathlib import Path

from pydantic import BaseModel, ConfigDict

MIN_REQUESTS = 5


class Interval(BaseModel):
    """One second of a run: requests started, failure share and p95 latency."""

    model_config = ConfigDict(extra="forbid")

    offset_s: int
    requests: int
    error_rate: float
    p95_ms: float | None


def _p95(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]


def per_second(csv_path: Path) -> list[Interval]:
    """Bucket http_reqs, http_req_failed and http_req_duration samples by their unix second."""
    requests: dict[int, int] = defaultdict(int)
    failed: dict[int, float] = defaultdict(float)
    durations: dict[int, list[float]] = defaultdict(list)
    with csv_path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            name = row.get("metric_name")
            if name not in ("http_reqs", "http_req_failed", "http_req_duration"):
                continue
            second, value = int(float(row["timestamp"])), float(row["metric_value"])
            if name == "http_reqs":
                requests[second] += int(value)
            elif name == "http_req_failed":
                failed[second] += value
            else:
                durations[second].append(value)
    if not requests:
        return []
    first = min(requests)
    return [
        Interval(
            offset_s=second - first,
            requests=count,
            error_rate=failed[second] / count if count else 0.0,
            p95_ms=_p95(durations[second]),
        )
        for second, count in sorted(requests.items())
    ]


def first_breach(
    intervals: list[Interval], max_error_rate: float | None, max_p95_ms: float | None
) -> Interval | None:
    """The first full second (not the last, partial one) whose error rate or p95 crosses a limit."""
    for interval in intervals[:-1]:
        if interval.requests < MIN_REQUESTS:
            continue
        if max_error_rate is not None and interval.error_rate >= max_error_rate:
            return interval
        if max_p95_ms is not None and interval.p95_ms is not None and interval.p95_ms >= max_p95_ms:
            return interval
    return None
