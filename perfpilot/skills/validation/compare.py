"""Before/after comparisons against targets, the share of targets met, and the ROI."""

from __future__ import annotations

from perfpilot.artifacts import Baseline, EndpointComparison, EndpointStats, MetricComparison, Roi
from perfpilot.skills.profiling.slos import slo_for
from perfpilot.target.spec import EndpointSlo, Slos

HOURS_PER_MONTH = 730


def _significant(before: float | None, after: float | None, noise_pct: float | None) -> bool | None:
    if before is None or after is None or not before or noise_pct is None:
        return None
    return abs(after - before) / before * 100 > noise_pct


def _target_rows(
    label: str, before: EndpointStats, after: EndpointStats | None, slo: EndpointSlo, noise: float | None
) -> list[MetricComparison]:
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


def compare(before: Baseline, after: Baseline, slos: Slos) -> list[MetricComparison]:
    noise = before.noise_floor_pct
    rows = _target_rows("overall", before.overall, after.overall, slos, noise)
    for stats in before.endpoints:
        slo = slo_for(slos, stats.name)
        if slo is not None:
            rows += _target_rows(stats.name, stats, after.endpoint(stats.name), slo, noise)
    return rows


def targets_met_share(rows: list[MetricComparison]) -> float:
    judged = [r for r in rows if r.met is not None]
    return round(sum(r.met is True for r in judged) / len(judged), 4) if judged else 1.0


def endpoint_rows(before: Baseline, after: Baseline) -> list[EndpointComparison]:
    rows = []
    for b in [before.overall, *before.endpoints]:
        a = after.overall if b.name == "overall" else after.endpoint(b.name)
        rows.append(
            EndpointComparison(
                name=b.name,
                p95_ms_before=b.latency.p95_ms,
                p95_ms_after=a.latency.p95_ms if a else None,
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
