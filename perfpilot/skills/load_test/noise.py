"""Noise floor of repeated runs: the spread of a figure as a share of its median, in percent."""

from __future__ import annotations

import statistics
from collections.abc import Sequence


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
