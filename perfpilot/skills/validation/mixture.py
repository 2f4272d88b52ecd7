"""Quantiles of the overall latency as a request-weighted mixture of per-endpoint distributions."""

from __future__ import annotations

import itertools

from perfpilot.artifacts import LatencyPercentiles

BISECTION_STEPS = 60


def cdf_points(lat: LatencyPercentiles) -> list[tuple[float, float]]:
    """(latency, cumulative share) through the known percentiles, linear from (0, 0); with no max the
    distribution is taken to end at twice the highest known percentile."""
    known = [(lat.p50_ms, 0.5), (lat.p90_ms, 0.9), (lat.p95_ms, 0.95), (lat.p99_ms, 0.99), (lat.max_ms, 1.0)]
    points, top = [(0.0, 0.0)], 0.0
    for value, share in known:
        if value is not None:
            top = max(top, value)
            points.append((top, share))
    if points[-1][1] < 1.0:
        points.append((max(2 * top, 1e-9), 1.0))
    return points


def _cdf(points: list[tuple[float, float]], x: float) -> float:
    for (x0, q0), (x1, q1) in itertools.pairwise(points):
        if x <= x1:
            return q1 if x1 <= x0 else q0 + (q1 - q0) * (x - x0) / (x1 - x0)
    return 1.0


def mixture_quantile(parts: list[tuple[int, LatencyPercentiles]], q: float) -> float | None:
    """The q-quantile of the mixture where each (requests, percentiles) part weighs by its requests."""
    weighted = [(n, cdf_points(lat)) for n, lat in parts if n > 0 and lat.p50_ms is not None]
    total = sum(n for n, _ in weighted)
    if total == 0:
        return None
    low, high = 0.0, max(points[-1][0] for _, points in weighted)
    for _ in range(BISECTION_STEPS):
        mid = (low + high) / 2
        if sum(n * _cdf(points, mid) for n, points in weighted) / total < q:
            low = mid
        else:
            high = mid
    return high
