"""Counters and histograms rendered in the Prometheus text exposition format 0.0.4."""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
Labels = tuple[str, ...]


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(names: Labels, values: Labels, extra: str = "") -> str:
    pairs = [f'{n}="{_escape(v)}"' for n, v in zip(names, values, strict=True)]
    if extra:
        pairs.append(extra)
    return "{" + ",".join(pairs) + "}" if pairs else ""


def number(value: float) -> str:
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return repr(float(value)) if not float(value).is_integer() else str(int(value))


class Counter:
    """A monotonically increasing count per label set."""

    def __init__(self, name: str, help_text: str, labelnames: Labels) -> None:
        self.name, self.help, self.labelnames = name, help_text, labelnames
        self._values: dict[Labels, float] = {}
        self._lock = threading.Lock()

    def inc(self, labels: Labels, amount: float = 1) -> None:
        with self._lock:
            self._values[labels] = self._values.get(labels, 0) + amount

    def render(self) -> Iterator[str]:
        yield f"# HELP {self.name} {self.help}"
        yield f"# TYPE {self.name} counter"
        with self._lock:
            items = sorted(self._values.items())
        for labels, value in items:
            yield f"{self.name}{_labels(self.labelnames, labels)} {number(value)}"


class Histogram:
    """Cumulative buckets, sum and count per label set."""

    def __init__(self, name: str, help_text: str, labelnames: Labels, buckets: tuple[float, ...]) -> None:
        self.name, self.help, self.labelnames = name, help_text, labelnames
        self.buckets = (*sorted(buckets), math.inf)
        self._series: dict[Labels, tuple[list[int], list[float]]] = {}
        self._lock = threading.Lock()

    def observe(self, labels: Labels, value: float) -> None:
        with self._lock:
            counts, total = self._series.setdefault(labels, ([0] * len(self.buckets), [0.0]))
            for i, bound in enumerate(self.buckets):
                if value <= bound:
                    counts[i] += 1
            total[0] += value

    def render(self) -> Iterator[str]:
        yield f"# HELP {self.name} {self.help}"
        yield f"# TYPE {self.name} histogram"
        with self._lock:
            items = sorted((labels, (list(c), t[0])) for labels, (c, t) in self._series.items())
        for labels, (counts, total) in items:
            for bound, count in zip(self.buckets, counts, strict=True):
                le = _labels(self.labelnames, labels, f'le="{number(bound)}"')
                yield f"{self.name}_bucket{le} {count}"
            yield f"{self.name}_sum{_labels(self.labelnames, labels)} {number(total)}"
            yield f"{self.name}_count{_labels(self.labelnames, labels)} {counts[-1]}"
