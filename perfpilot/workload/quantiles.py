"""Bounded-memory p95: exact up to 512 samples, then a log-bucket histogram (within 1% relative error).

Percentiles use the nearest-rank definition: the value of rank ceil(q * n) in the sorted samples.
Past EXACT_LIMIT samples, values are binned into buckets [GAMMA^i, GAMMA^(i+1)) over LOW..HIGH seconds
with GAMMA = (1 + ALPHA) / (1 - ALPHA); a bucket reports 2 * GAMMA^(i+1) / (GAMMA + 1), which is within
ALPHA = 1% of every value in it, so a reported percentile is within 1% of the exact one. Values below
LOW (1 microsecond) report as 0 and values above HIGH (1e6 s) as HIGH. Memory per shape: one counter
per occupied bucket (at most ~1,400) plus a buffer of FLUSH_EVERY doubles; the buffer is binned in C
(`Counter.update(map(bisect, ...))`) so recording a value costs one array append.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_right
from collections import Counter
from functools import partial

EXACT_LIMIT = 512
FLUSH_EVERY = 1024
ALPHA = 0.01
GAMMA = (1 + ALPHA) / (1 - ALPHA)
LOW = 1e-6
HIGH = 1e6
_BOUNDS = [LOW * GAMMA**i for i in range(math.ceil(math.log(HIGH / LOW) / math.log(GAMMA)) + 1)]
_bucket_of = partial(bisect_right, _BOUNDS)


def _representative(index: int) -> float:
    """The value a bucket reports: 0 below LOW, HIGH above it, else 2 * upper / (GAMMA + 1)."""
    if index <= 0:
        return 0.0
    if index >= len(_BOUNDS):
        return HIGH
    return 2 * _BOUNDS[index] / (GAMMA + 1)


class QuantileSketch:
    """Streaming percentiles of non-negative values, with optional integer weights."""

    __slots__ = ("_buckets", "_buffer", "_count", "_samples")

    def __init__(self) -> None:
        self._samples: list[float] | None = []
        self._buffer = array("d")
        self._buckets: Counter[int] = Counter()
        self._count = 0

    def add(self, value: float, weight: int = 1) -> None:
        """Record `value` `weight` times."""
        self._count += weight
        samples = self._samples
        if samples is None:
            if weight == 1:
                self._buffer.append(value)
                if len(self._buffer) >= FLUSH_EVERY:
                    self._flush()
            else:
                self._buckets[_bucket_of(value)] += weight
        elif len(samples) + weight <= EXACT_LIMIT:
            if weight == 1:
                samples.append(value)
            else:
                samples.extend([value] * weight)
        else:
            self._buffer.extend(samples)
            self._samples = None
            self._flush()
            self._buckets[_bucket_of(value)] += weight

    def add_packed(self, data: bytes) -> None:
        """Record each native double packed in `data` once (the C tally hands durations over this way);
        the same sketch as add() of each value in turn."""
        values = array("d")
        values.frombytes(data)
        self._count += len(values)
        samples = self._samples
        if samples is not None:
            if len(samples) + len(values) <= EXACT_LIMIT:
                samples.extend(values)
                return
            self._buffer.extend(samples)
            self._samples = None
        self._buffer.extend(values)
        if len(self._buffer) >= FLUSH_EVERY:
            self._flush()

    def merge(self, other: QuantileSketch) -> None:
        """Add every value recorded by `other` (exactly while both are small, else bucketed)."""
        mine, theirs = self._samples, other._samples
        if mine is not None and theirs is not None and len(mine) + len(theirs) <= EXACT_LIMIT:
            mine.extend(theirs)
            self._count += other._count
            return
        if self._samples is not None:
            self._buffer.extend(self._samples)
            self._samples = None
        self._buffer.extend(other._samples if other._samples is not None else other._buffer)
        self._flush()
        self._buckets.update(other._buckets)
        self._count += other._count

    def _flush(self) -> None:
        self._buckets.update(map(_bucket_of, self._buffer))
        self._buffer = array("d")

    def quantile(self, q: float) -> float:
        """The nearest-rank q-quantile (0 < q <= 1); 0.0 when empty."""
        if self._count == 0:
            return 0.0
        rank = max(1, math.ceil(q * self._count))
        if self._samples is not None:
            return sorted(self._samples)[rank - 1]
        self._flush()
        seen = 0
        for index in sorted(self._buckets):
            seen += self._buckets[index]
            if seen >= rank:
                return _representative(index)
        return _representative(max(self._buckets))
