"""Bounded-memory p95: exact up to a few hundred samples, then a log-bucket histogram (<= 1% relative error).

Percentiles use the nearest-rank definition: the value of rank ceil(q * n) in the sorted samples.
Past EXACT_LIMIT samples each value v > 0 falls in bucket i = ceil(log(v) / log(GAMMA)), which covers
(GAMMA^(i-1), GAMMA^i]; a bucket reports 2 * GAMMA^i / (GAMMA + 1), within ALPHA = (GAMMA - 1) / (GAMMA + 1)
= 1% of every value in it, so the reported percentile is within 1% of the exact one. Memory is one
counter per occupied bucket: at most ~1,200 buckets for durations from 1 microsecond to 1 day.
"""

from __future__ import annotations

import math

EXACT_LIMIT = 512
ALPHA = 0.01
GAMMA = (1 + ALPHA) / (1 - ALPHA)
_LOG_GAMMA = math.log(GAMMA)


class QuantileSketch:
    """Streaming percentiles of non-negative values, with optional integer weights."""

    __slots__ = ("_buckets", "_count", "_samples", "_zeros")

    def __init__(self) -> None:
        self._samples: list[float] | None = []
        self._buckets: dict[int, int] = {}
        self._zeros = 0
        self._count = 0

    def add(self, value: float, weight: int = 1) -> None:
        """Record `value` `weight` times."""
        self._count += weight
        samples = self._samples
        if samples is None:
            self._bucket(value, weight)
        elif len(samples) + weight <= EXACT_LIMIT:
            if weight == 1:
                samples.append(value)
            else:
                samples.extend([value] * weight)
        else:
            self._spill()
            self._bucket(value, weight)

    def _bucket(self, value: float, weight: int) -> None:
        if value <= 0:
            self._zeros += weight
            return
        index = math.ceil(math.log(value) / _LOG_GAMMA)
        self._buckets[index] = self._buckets.get(index, 0) + weight

    def _spill(self) -> None:
        samples = self._samples or []
        self._samples = None
        for value in samples:
            self._bucket(value, 1)

    def quantile(self, q: float) -> float:
        """The nearest-rank q-quantile (0 < q <= 1); 0.0 when empty."""
        if self._count == 0:
            return 0.0
        rank = max(1, math.ceil(q * self._count))
        if self._samples is not None:
            return sorted(self._samples)[rank - 1]
        seen = self._zeros
        if seen >= rank:
            return 0.0
        for index in sorted(self._buckets):
            seen += self._buckets[index]
            if seen >= rank:
                return 2 * GAMMA**index / (GAMMA + 1)
        return 2 * GAMMA ** max(self._buckets) / (GAMMA + 1)
