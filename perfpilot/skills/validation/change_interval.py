"""Confidence intervals for a latency percentile: of its change, as a log-ratio (after / before), and of
the after-value itself (what a target is judged on).

Two sources of noise, each giving a 95% interval; the reported interval spans both:

- sampling, when per-request durations exist: a seeded bootstrap over requests, of the change when both
  runs have at least min_requests(quantile) of them, of the after-value when the after-run has (a
  percentile of fewer requests has no sampling distribution worth the name: a bootstrap of one request
  has no spread at all, and would call any change beyond noise). The k-th smallest of n values
  resampled with replacement is the original value at rank ceil(n * U), U the k-th smallest of n
  uniforms, which is Beta(k, n - k + 1) distributed; so each replicate draws one Beta variate instead of
  resampling n requests (exact, and cheap for any n).
- run to run, when the baseline (and the after-run) was repeated: the standard deviation of
  log(percentile) over each side's runs, estimated from few runs, so scaled by Student's t with the
  runs' degrees of freedom (two runs: 1 degree, t = 12.71), not by 1.96 as if the spread were known.
  The change varies by the root of their summed squares (sqrt(2) times the one known when only one side
  was repeated, with that side's degrees of freedom; with both, Welch-Satterthwaite's degrees of
  freedom, which are the sum when the spreads agree and fall towards the noisier side's own when it
  dominates); the after-value is the after-state's level, the geometric mean of its runs, with the
  interval of a mean (t * sd / sqrt(runs)), sd and t from the after-runs' spread pooled over the
  endpoints measured in them when given (pooled_spread: Satterthwaite's degrees of freedom, which count a
  slowdown every endpoint shared once per run; the endpoint's own SD when that is larger); without
  repeated after-runs, the baseline's spread stands in (an overloaded baseline is noisier than a healthy
  after-state, so that fallback is conservative) around the one after-value.

Without either, the noise is unknown and nothing is said to be beyond it.
"""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Sequence

from perfpilot.artifacts.validation import ChangeInterval
from perfpilot.skills.validation.pooled_spread import PooledSpread

Z_95 = 1.96
# Two-sided 95% quantiles of Student's t by degrees of freedom (1-30); past the table, the Cornish-Fisher
# expansion around the normal's 1.96 (Abramowitz & Stegun 26.7.5), within 0.001 of the exact value there.
T_95 = {
    1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262, 10: 2.228,
    11: 2.201, 12: 2.179, 13: 2.160, 14: 2.145, 15: 2.131, 16: 2.120, 17: 2.110, 18: 2.101, 19: 2.093,
    20: 2.086, 21: 2.080, 22: 2.074, 23: 2.069, 24: 2.064, 25: 2.060, 26: 2.056, 27: 2.052, 28: 2.048,
    29: 2.045, 30: 2.042,
}  # fmt: skip
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


def t_95(degrees: int) -> float:
    """Student's t two-sided 95% quantile for `degrees` of freedom (>= 1)."""
    if degrees in T_95:
        return T_95[degrees]
    z = Z_95
    return z + (z**3 + z) / (4 * degrees) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * degrees**2)


def _logs(values: Sequence[float]) -> list[float]:
    return [math.log(v) for v in values if v > 0]


def run_log_sd(values: Sequence[float]) -> float | None:
    """Standard deviation of log(value) over repeated runs; None with fewer than two positive values."""
    logs = _logs(values)
    return statistics.stdev(logs) if len(logs) >= 2 else None


def welch_degrees(spreads: Sequence[tuple[float, int]]) -> int:
    """Welch-Satterthwaite degrees of freedom of a sum of variances, each (sd, its degrees), rounded down
    (a wider t); at least 1 and at most their sum."""
    total = sum(sd * sd for sd, _ in spreads)
    weight = sum(sd**4 / degrees for sd, degrees in spreads)
    most = sum(degrees for _, degrees in spreads)
    if weight <= 0:
        return most
    return max(1, min(most, math.floor(total * total / weight + 1e-9)))


def change_interval(
    before: float,
    after: float,
    quantile: float,
    *,
    before_samples: Sequence[float] | None = None,
    after_samples: Sequence[float] | None = None,
    baseline_runs: Sequence[float] = (),
    after_runs: Sequence[float] = (),
    pooled: PooledSpread | None = None,
) -> ChangeInterval:
    """The log-ratio of `after` to `before` with the widest 95% interval the available noise gives;
    `pooled`: the after-runs' spread pooled over the endpoints measured in them (pooled_spread), used for
    the after-value's level when it rests on the same number of runs."""
    effect = math.log(after / before)
    low = high = effect
    after_low = after_high = 0.0  # log(bound / after)
    sources: list[str] = []
    change_known = after_known = False
    needed = min_requests(quantile)
    enough_after = after_samples is not None and len(after_samples) >= needed
    if enough_after and before_samples is not None and len(before_samples) >= needed:
        assert after_samples is not None
        b_low, b_high = bootstrap_log_ratio(before_samples, after_samples, quantile)
        low, high = min(low, b_low), max(high, b_high)
        change_known = True
    if enough_after:
        assert after_samples is not None
        a_low, a_high = bootstrap_log_spread(after_samples, quantile)
        after_low, after_high = min(after_low, a_low), max(after_high, a_high)
        after_known = True
        if change_known:
            sources.append(f"bootstrap over {len(before_samples or ())}+{len(after_samples)} requests")
        elif before_samples is None:
            sources.append(f"bootstrap over {len(after_samples)} after-run requests (none kept before)")
        else:
            sources.append(
                f"bootstrap over {len(before_samples)}+{len(after_samples)} requests; "
                f"under {needed} before: not for the change"
            )
    sd = run_log_sd(baseline_runs)
    sd_after = run_log_sd(after_runs)
    sides = [(spread, len(_logs(runs)) - 1) for runs, spread in ((baseline_runs, sd), (after_runs, sd_after))]
    known = [(spread, degrees) for spread, degrees in sides if spread is not None]
    if known:
        change_known = after_known = True
        both = math.sqrt(sum(v * v for v, _ in known) * (2 / len(known)))
        degrees = welch_degrees(known) if len(known) == 2 else known[0][1]
        half = t_95(max(degrees, 1)) * both
        low, high = min(low, effect - half), max(high, effect + half)
        logs = _logs(after_runs)
        pooled_here = sd_after is not None and pooled is not None and pooled.runs == len(logs)
        if sd_after is not None:  # the after-state's level: the mean of its runs' log percentiles
            spread, degrees = sd_after, len(logs) - 1
            if pooled is not None and pooled_here:  # the same runs' spread, pooled: its degrees of
                # freedom, but never narrower than this endpoint's own (one endpoint's outlier run is
                # not averaged away by the steady endpoints it is pooled with)
                spread, degrees = max(pooled.sd, sd_after), pooled.degrees
            mean_half = t_95(degrees) * spread / math.sqrt(len(logs))
            centre = statistics.fmean(logs) - math.log(after)
            after_low, after_high = min(after_low, centre - mean_half), max(after_high, centre + mean_half)
        else:
            assert sd is not None
            own = t_95(len(_logs(baseline_runs)) - 1) * sd
            after_low, after_high = min(after_low, -own), max(after_high, own)
        runs = [f"{len(baseline_runs)} before"] if sd is not None else []
        runs += [f"{len(after_runs)} after"] if sd_after is not None else []
        if pooled is not None and pooled_here:
            runs[-1] += f" (pooled {pooled.degrees} df)"
        sources.append(f"runs {', '.join(runs)}")
    return ChangeInterval(
        log_ratio=round(effect, 4),
        low=round(low, 4) if change_known else None,
        high=round(high, 4) if change_known else None,
        after_low=round(after * math.exp(after_low), 3) if after_known else None,
        after_high=round(after * math.exp(after_high), 3) if after_known else None,
        run_log_sd=round(sd, 4) if sd is not None else None,
        method="; ".join(sources) or _no_noise(before_samples, after_samples, needed),
    )


def _no_noise(before: Sequence[float] | None, after: Sequence[float] | None, needed: int) -> str:
    if before is None and after is None:
        return "none: no per-request durations and no repeated baseline"
    counts = f"{len(before or ())}+{len(after or ())}"
    return f"none: {counts} requests, under {needed} a run for a bootstrap, and no repeated baseline"
