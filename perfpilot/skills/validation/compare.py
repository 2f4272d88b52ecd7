"""Before/after comparisons against targets, the share of targets met, and the ROI."""

from __future__ import annotations

import math

from perfpilot.artifacts import Baseline, EndpointComparison, EndpointStats, MetricComparison, Roi
from perfpilot.skills.profiling.slos import slo_for
from perfpilot.skills.validation.change_interval import min_requests
from perfpilot.skills.validation.latency_verdict import QUANTILES, latency_row
from perfpilot.skills.validation.pooled_spread import PooledSpread, pooled_spread
from perfpilot.skills.validation.request_samples import load_durations
from perfpilot.target.spec import EndpointSlo, Slos

HOURS_PER_MONTH = 730


def _significant(before: float | None, after: float | None, noise_pct: float | None) -> bool | None:
    """Whether the change is larger than the noise floor, compared as log-ratios: a floor of F% spans
    log(1 + F/100), so a fall to a tenth counts beyond a 150% floor (a percentage drop never passes 100)."""
    if before is None or after is None or noise_pct is None or before <= 0:
        return None
    if after <= 0:
        return True
    return abs(math.log(after / before)) > math.log1p(noise_pct / 100)


def _run_values(stats: EndpointStats, metric: str) -> list[float]:
    return (stats.run_p95_ms if metric == "p95_ms" else stats.run_p99_ms) or []


def after_spread(after: Baseline, metric: str) -> PooledSpread | None:
    """The after-runs' spread of `metric`, pooled over the endpoints with enough requests for it (the
    overall figure is their mixture, not one more endpoint)."""
    needed = min_requests(QUANTILES[metric])
    return pooled_spread([_run_values(e, metric) for e in after.endpoints if e.requests >= needed])


class _Samples:
    """Per-request durations of the before and after runs, loaded once per comparison, and the after-runs'
    pooled spread per percentile."""

    def __init__(self, before: Baseline, after: Baseline) -> None:
        self.before = load_durations(before.request_durations)
        self.after = load_durations(after.request_durations)
        self.pooled = {metric: after_spread(after, metric) for metric in QUANTILES}

    def of(self, name: str) -> tuple[list[float] | None, list[float] | None]:
        return self.before.get(name), self.after.get(name)


def _target_rows(
    label: str,
    before: EndpointStats,
    after: EndpointStats | None,
    slo: EndpointSlo,
    noise: float | None,
    samples: _Samples | None,
    contended: bool = False,
) -> list[MetricComparison]:
    """One row per metric with a target; p95/p99 of a measured run (`samples` given) get a verdict."""
    rows = []
    a = after or EndpointStats(name=before.name)
    for metric, b_val, a_val, target, higher_is_better in (
        ("p95_ms", before.latency.p95_ms, a.latency.p95_ms, slo.p95_ms, False),
        ("p99_ms", before.latency.p99_ms, a.latency.p99_ms, slo.p99_ms, False),
        ("error_rate", before.error_rate, a.error_rate, slo.error_rate, False),
        ("throughput_rps", before.rps, a.rps, slo.throughput_rps, True),
    ):
        if target is None:
            continue
        if samples is not None and metric in ("p95_ms", "p99_ms"):
            rows.append(
                latency_row(
                    metric, label, (b_val, a_val), target, (before.requests, a.requests),
                    samples=samples.of(before.name), baseline_runs=_run_values(before, metric),
                    after_runs=_run_values(a, metric), contended=contended, median=a.latency.p50_ms,
                    pooled=samples.pooled[metric],
                )
            )
            continue
        met = None if a_val is None else (a_val >= target if higher_is_better else a_val <= target)
        rows.append(
            MetricComparison(
                metric=f"{metric}:{label}",
                before=b_val,
                after=a_val,
                target=target,
                met=met,
                significant=_significant(b_val, a_val, noise),
                unit="ms" if metric.endswith("_ms") else "",
            )
        )
    return rows


def compare(
    before: Baseline, after: Baseline, slos: Slos, *, measured: bool = False, contended: bool = False
) -> list[MetricComparison]:
    """Rows per target. For a measured after-run, p95/p99 targets are judged from the confidence interval
    of the change (latency_verdict; `contended`: the host kept the service waiting for a CPU during the
    after-runs); a projection keeps the point comparison."""
    noise = before.noise_floor_pct
    samples = _Samples(before, after) if measured else None
    rows = _target_rows("overall", before.overall, after.overall, slos, noise, samples, contended)
    for stats in before.endpoints:
        slo = slo_for(slos, stats.name)
        if slo is not None:
            after_stats = after.endpoint(stats.name)
            rows += _target_rows(stats.name, stats, after_stats, slo, noise, samples, contended)
    return rows


def targets_met_share(rows: list[MetricComparison]) -> float:
    """Share of the decided targets that are met. Rows the noise leaves undecided (met None) stay out, as
    rows without data do: they are neither met nor not met; ValidationReport.verdict says 'inconclusive'
    for them, and routing must read that first."""
    judged = [r for r in rows if r.met is not None]
    return round(sum(r.met is True for r in judged) / len(judged), 4) if judged else 1.0


def endpoint_rows(before: Baseline, after: Baseline) -> list[EndpointComparison]:
    rows = []
    for b in [before.overall, *before.endpoints]:
        a = after.overall if b.name == "overall" else after.endpoint(b.name)
        rows.append(
            EndpointComparison(
                name=b.name,
                p50_ms_before=b.latency.p50_ms,
                p50_ms_after=a.latency.p50_ms if a else None,
                p95_ms_before=b.latency.p95_ms,
                p95_ms_after=a.latency.p95_ms if a else None,
                p99_ms_before=b.latency.p99_ms,
                p99_ms_after=a.latency.p99_ms if a else None,
                rps_before=b.rps,
                rps_after=a.rps if a else None,
                error_rate_before=b.error_rate,
                error_rate_after=a.error_rate if a else None,
            )
        )
    return rows


def roi(
    before: Baseline,
    after: Baseline,
    monthly_cost_change: float,
    monthly_cost: float | None,
    effort_days: float,
    engineer_day_usd: float,
    *,
    measured: bool,
) -> Roi:
    """Money and gains of the plan. The throughput gain and the payback come only from a measured after:
    on a projection (or without a throughput measured before and after) they are unknown (None).

    `monthly_cost_change` nets every planned cost change (savings negative, scale-ups positive)."""
    gain = None
    if measured and before.overall.rps and after.overall.rps:
        gain = round((after.overall.rps / before.overall.rps - 1) * 100, 2)
    savings = -monthly_cost_change
    payback = None
    if measured and savings > 0:
        payback = round(effort_days * engineer_day_usd / (savings / 30), 1)
    basis = "measured after the change" if measured else "unknown: the after figures are a projection"
    return Roi(
        monthly_cost_before_usd=monthly_cost,
        monthly_cost_after_usd=(
            round(monthly_cost + monthly_cost_change, 2) if monthly_cost is not None else None
        ),
        monthly_savings_usd=round(savings, 2),
        throughput_gain_pct=gain,
        effort_days=effort_days,
        payback_days=payback,
        method=(
            "savings = the planned cost findings' monthly changes netted in one sum (negative: the plan "
            f"costs more); throughput gain and payback {basis}; payback = effort x {engineer_day_usd:g} "
            "USD/day / daily savings"
        ),
    )
