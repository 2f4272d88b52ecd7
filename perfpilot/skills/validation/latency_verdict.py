"""Verdicts for p95/p99 targets of a measured run: met or not met only where the noise cannot decide it."""

from __future__ import annotations

from collections.abc import Sequence

from perfpilot.artifacts import ChangeInterval, MetricComparison
from perfpilot.artifacts.validation import LatencyVerdict, ValidationVerdict
from perfpilot.skills.validation.change_interval import change_interval, min_requests
from perfpilot.skills.validation.pooled_spread import PooledSpread

QUANTILES = {"p95_ms": 0.95, "p99_ms": 0.99}
UNDECIDED: frozenset[LatencyVerdict] = frozenset(
    {"not_beyond_noise", "too_few_samples", "noise_unknown", "no_data", "host_contended"}
)


def judge(
    before: float | None,
    after: float | None,
    target: float,
    interval: ChangeInterval | None,
    requests: tuple[int, int],
    needed: int,
    *,
    contended: bool = False,
    median: float | None = None,
) -> LatencyVerdict:
    """Judged on the after-value's own 95% interval [after_low, after_high]: met when all of it is at or
    under the target, not met when all of it is above, otherwise not beyond noise. Only the after-run's
    request count decides "too few samples": a target is about the after-state (an overloaded baseline
    that completed few requests widens the change's interval, not the after-value's).

    On a contended host (`contended`: the service waited for a CPU at least as long as it ran) a target not
    shown met whose `median` (the after-state's p50) is within it is host_contended: undecided. Contention
    only adds latency, so a target met beyond noise stays met, and a miss of the median stays a miss."""
    if before is None or after is None or before <= 0 or after <= 0:
        return "no_data"
    if requests[1] < needed:
        return "too_few_samples"
    if interval is None or interval.after_low is None or interval.after_high is None:
        return "noise_unknown"
    if interval.after_high <= target:
        return "met_beyond_noise"
    if contended and median is not None and 0 < median <= target:
        return "host_contended"
    if interval.after_low > target:
        return "not_met_beyond_noise"
    return "not_beyond_noise"


def latency_row(
    metric: str,
    label: str,
    values: tuple[float | None, float | None],
    target: float,
    requests: tuple[int, int],
    *,
    samples: tuple[Sequence[float] | None, Sequence[float] | None] = (None, None),
    baseline_runs: Sequence[float] = (),
    after_runs: Sequence[float] = (),
    contended: bool = False,
    median: float | None = None,
    pooled: PooledSpread | None = None,
) -> MetricComparison:
    """One p95/p99 row: the change interval, the verdict, and `met` only where the verdict decides it."""
    before, after = values
    quantile = QUANTILES[metric]
    needed = min_requests(quantile)
    interval = None
    if before and after and before > 0 and after > 0:
        interval = change_interval(
            before, after, quantile,
            before_samples=samples[0], after_samples=samples[1], baseline_runs=baseline_runs,
            after_runs=after_runs, pooled=pooled,
        )
    verdict = judge(before, after, target, interval, requests, needed, contended=contended, median=median)
    return MetricComparison(
        metric=f"{metric}:{label}",
        before=before,
        after=after,
        target=target,
        met={"met_beyond_noise": True, "not_met_beyond_noise": False}.get(verdict),
        significant=interval.beyond_noise if interval is not None else None,
        unit="ms",
        verdict=verdict,
        change=interval,
        requests_before=requests[0],
        requests_after=requests[1],
        min_requests=needed,
    )


def report_verdict(rows: Sequence[MetricComparison]) -> tuple[ValidationVerdict | None, list[str]]:
    """(not_met if any target row missed, else inconclusive if any is undecided, else met; the undecided)."""
    targets = [r for r in rows if r.target is not None]
    if not targets:
        return None, []
    undecided = [r.metric for r in targets if r.met is None or (r.verdict in UNDECIDED)]
    if any(r.met is False for r in targets):
        return "not_met", undecided
    return ("inconclusive" if undecided else "met"), undecided
