"""Quantiles from Prometheus histogram buckets, interpolated inside a bucket as histogram_quantile() does."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from perfpilot.evidence.models import MetricSample


def bucket_counts(
    samples: Iterable[MetricSample], metric_base: str, match_labels: Mapping[str, str] | None = None
) -> list[tuple[float, float]]:
    """Cumulative (upper bound, count) pairs of `<metric_base>_bucket`, summed over unmatched labels."""
    wanted = dict(match_labels or {})
    bucket_name = f"{metric_base}_bucket"
    totals: dict[float, float] = {}
    for sample in samples:
        if sample.name != bucket_name or "le" not in sample.labels:
            continue
        if any(sample.labels.get(k) != v for k, v in wanted.items()):
            continue
        try:
            upper = float(sample.labels["le"])
        except ValueError:
            continue
        totals[upper] = totals.get(upper, 0.0) + sample.value
    return sorted(totals.items())


def quantile_from_buckets(q: float, buckets: list[tuple[float, float]]) -> float | None:
    """Prometheus' bucketQuantile over sorted cumulative buckets; None when there is nothing to estimate."""
    if math.isnan(q) or not buckets or not math.isinf(buckets[-1][0]):
        return None
    if q < 0:
        return -math.inf
    if q > 1:
        return math.inf
    bounds = [b for b, _ in buckets]
    counts: list[float] = []
    for _, count in buckets:  # enforce monotonic counts, as Prometheus does
        counts.append(max(count, counts[-1]) if counts else count)
    if len(buckets) < 2 or counts[-1] == 0:
        return None
    rank = q * counts[-1]
    index = next(i for i, c in enumerate([*counts[:-1], math.inf]) if c >= rank)
    if index == len(buckets) - 1:
        return bounds[-2]
    if index == 0 and bounds[0] <= 0:
        return bounds[0]
    start, end, count = 0.0, bounds[index], counts[index]
    if index > 0:
        start = bounds[index - 1]
        count -= counts[index - 1]
        rank -= counts[index - 1]
    if count == 0:
        return end
    return start + (end - start) * (rank / count)


def histogram_quantile(
    samples: Iterable[MetricSample],
    metric_base: str,
    q: float,
    match_labels: Mapping[str, str] | None = None,
) -> float | None:
    """The q-quantile (0..1) of histogram `metric_base` over samples whose labels include match_labels.

    Buckets of series that differ only in labels not in match_labels are summed, like
    `histogram_quantile(q, sum by (le) (...))`. Returns None when no usable buckets match.
    """
    return quantile_from_buckets(q, bucket_counts(samples, metric_base, match_labels))
