"""Confidence intervals for a latency percentile: of its change, as a log-ratio (after / before), and of
the after-value itself (what a target is judged on).

Two sources of noise, each giving a 95% interval; the reported interval spans both:

- sampling, when per-request durations exist for both runs: a seeded bootstrap over requests. The
  k-th smallest of n values resampled with replacement is the original value at rank ceil(n * U), U the
  k-th smallest of n uniforms, which is Beta(k, n - k + 1) distributed; so each replicate draws one Beta
  variate instead of resampling n requests (exact, and cheap for any n).
- run to run, when the baseline (and the after-run) was repeated: the standard deviation of
  log(percentile) over each side's runs; the change varies by the root of their summed squares (sqrt(2)
  times the one known when only one side was repeated), the after-value by the after-runs' own spread
  (the baseline's when the after-run was not repeated: an overloaded baseline is noisier than a healthy
  after-state, so that fallback is conservative). Normal, 1.96 sigma.

Without either, the noise is unknown and nothing is said to be beyond it.
"""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Sequence

from perfpilot.artifacts.validation import ChangeInterval

Z_95 = 1.96
RESAMPLES = 4000
SEED = 18
# A percentile needs this many requests beyond it before it means anything (p95: 100, p99: 500 requests).
TAIL_REQUESTS = 5


def min_requests(quantile: float) -> int:
    """Requests a run needs before its `quantile` (0.95 for p95) is estimated from more than noise."""
    return math.ceil(TAIL_REQUESTS / (1 - quantile) - 1e-9)


def nearest_rank(ordered: Sequence[float], quantile: float) -> float:
    """The nearest-rank percentile of sorted values (k = ceil(q * n))."""
    return ordered[min(len(ordered), max(1, math.ceil(quantile * len(ordered)))) - 1]


def _bootstrap_quantile(ordered: Sequence[float], quantile: float, rng: random.Random) -> float:
    n = len(ordered)
    k = min(n, max(1, math.ceil(quantile * n)))
    u = rng.betavariate(k, n - k + 1)
    return ordered[min(n, max(1, math.ceil(n * u))) - 1]


def bootstrap_log_ratio(
    before: Sequence[float], after: Sequence[float], quantile: float, *, seed: int = SEED
) -> tuple[float, float]:
    """2.5th and 97.5th percentiles of log(q(after*) / q(before*)) over seeded bootstrap replicates."""
    rng = random.Random(seed)
    b, a = sorted(before), sorted(after)
    ratios = sorted(
        math.log(max(_bootstrap_quantile(a, quantile, rng), 1e-9))
        - math.log(max(_bootstrap_quantile(b, quantile, rng), 1e-9))
        for _ in range(RESAMPLES)
    )
    return ratios[int(0.025 * RESAMPLES)], ratios[int(0.975 * RESAMPLES) - 1]


def bootstrap_log_spread(
    values: Sequence[float], quantile: float, *, seed: int = SEED
) -> tuple[float, float]:
    """2.5th and 97.5th percentiles of log(q(values*) / q(values)): one run's sampling noise."""
    rng = random.Random(seed)
    ordered = sorted(values)
    point = math.log(max(nearest_rank(ordered, quantile), 1e-9))
    spread = sorted(
        math.log(max(_bootstrap_quantile(ordered, quantile, rng), 1e-9)) - point for _ in range(RESAMPLES)
    )
    return spread[int(0.025 * RESAMPLES)], spread[int(0.975 * RESAMPLES) - 1]


def run_log_sd(values: Sequence[float]) -> float | None:
    """Standard deviation of log(value) over repeated runs; None with fewer than two positive values."""
    logs = [math.log(v) for v in values if v > 0]
    return statistics.stdev(logs) if len(logs) >= 2 else None


def change_interval(
    before: float,
    after: float,
    quantile: float,
    *,
    before_samples: Sequence[float] | None = None,
    after_samples: Sequence[float] | None = None,
    baseline_runs: Sequence[float] = (),
    after_runs: Sequence[float] = (),
) -> ChangeInterval:
    """The log-ratio of `after` to `before` with the widest 95% interval the available noise gives."""
    effect = math.log(after / before)
    low = high = effect
    after_low = after_high = 0.0  # log(bound / after)
    sources: list[str] = []
    if before_samples and after_samples:
        b_low, b_high = bootstrap_log_ratio(before_samples, after_samples, quantile)
        low, high = min(low, b_low), max(high, b_high)
        a_low, a_high = bootstrap_log_spread(after_samples, quantile)
        after_low, after_high = min(after_low, a_low), max(after_high, a_high)
        sources.append(f"bootstrap over {len(before_samples)}+{len(after_samples)} requests")
    sd = run_log_sd(baseline_runs)
    sd_after = run_log_sd(after_runs)
    known = [v for v in (sd, sd_after) if v is not None]
    if known:
        both = math.sqrt(sum(v * v for v in known) * (2 / len(known)))
        half = Z_95 * both
        low, high = min(low, effect - half), max(high, effect + half)
        own = sd_after if sd_after is not None else sd
        assert own is not None
        after_low, after_high = min(after_low, -Z_95 * own), max(after_high, Z_95 * own)
        runs = [f"{len(baseline_runs)} baseline runs"] if sd is not None else []
        runs += [f"{len(after_runs)} after-runs"] if sd_after is not None else []
        sources.append(f"spread of {' and '.join(runs)}")
    return ChangeInterval(
        log_ratio=round(effect, 4),
        low=round(low, 4) if sources else None,
        high=round(high, 4) if sources else None,
        after_low=round(after * math.exp(after_low), 3) if sources else None,
        after_high=round(after * math.exp(after_high), 3) if sources else None,
        run_log_sd=round(sd, 4) if sd is not None else None,
        method="; ".join(sources) or "none: no per-request durations and no repeated baseline",
    )
