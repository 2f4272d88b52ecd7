"""A linear scale from data to pixels with round tick values, for the report's SVG charts."""

from __future__ import annotations

import math
from dataclasses import dataclass

from perfpilot.figures import plain


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 times a power of ten at or above value (1 for 0 or less)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return float(step * power)
    return float(10 * power)


@dataclass(frozen=True)
class Tick:
    """One gridline: its pixel position and its label."""

    x: float
    label: str


@dataclass(frozen=True)
class Scale:
    """Data values in [0, top] onto pixels [start, start + length]."""

    top: float
    start: float
    length: float

    @classmethod
    def covering(cls, values: list[float], start: float, length: float) -> Scale:
        return cls(top=nice_ceiling(max([*values, 0.0]) * 1.05), start=start, length=length)

    def __call__(self, value: float) -> float:
        return round(self.start + self.length * max(0.0, min(value, self.top)) / self.top, 1)

    def ticks(self, count: int = 4) -> list[Tick]:
        return [Tick(self(self.top * i / count), plain(self.top * i / count)) for i in range(count + 1)]
