"""Counter arithmetic: which samples are cumulative, and their reset-aware increase over a window."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from perfpilot.evidence.models import MetricKind

_CUMULATIVE_PARTS = ("_bucket", "_count", "_sum")
_UNTYPED_COUNTER_SUFFIXES = ("_total", "_bucket", "_count", "_sum")


def is_cumulative(name: str, kind: MetricKind) -> bool:
    """Whether a sample only ever grows until its process restarts (a counter or a histogram part).

    Untyped samples (no TYPE line, or a JSON/CSV series) go by Prometheus naming conventions.
    `_created` samples are timestamps, and summary quantiles are gauges.
    """
    if name.endswith("_created"):
        return False
    if kind == "counter":
        return True
    if kind in ("histogram", "summary"):
        return name.endswith(_CUMULATIVE_PARTS)
    if kind == "untyped":
        return name.endswith(_UNTYPED_COUNTER_SUFFIXES)
    return False


@dataclass(frozen=True)
class Increase:
    """How much a counter grew between its first and last point, counting through resets."""

    value: float
    seconds: float
    resets: int

    @property
    def rate(self) -> float | None:
        """Per second over the window; None for a window of no length."""
        return self.value / self.seconds if self.seconds > 0 else None


def increase(points: Sequence[tuple[float, float]]) -> Increase | None:
    """The increase over time-ordered points, as Prometheus' increase() without extrapolation.

    A drop means the process restarted and the counter began again at zero: the value after the drop
    is all new increase. None with fewer than two points: one cumulative value says nothing of a rate.
    """
    if len(points) < 2:
        return None
    ordered = sorted(points)
    total, resets = 0.0, 0
    for (_, before), (_, after) in itertools.pairwise(ordered):
        if after < before:
            resets += 1
            total += after
        else:
            total += after - before
    return Increase(value=total, seconds=ordered[-1][0] - ordered[0][0], resets=resets)


def interval_rates(points: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    """Per-second rate over each interval between consecutive points, as (end time, rate): the
    counter's increase between two scrapes over the seconds between them. A drop is a restart: the
    value after it is the increase. Intervals of no length are skipped."""
    ordered = sorted(points)
    rates = []
    for (t1, before), (t2, after) in itertools.pairwise(ordered):
        if t2 <= t1:
            continue
        grown = after if after < before else after - before
        rates.append((t2, grown / (t2 - t1)))
    return rates
