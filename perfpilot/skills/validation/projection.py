"""Project after-figures from the plan's findings when nothing was measured after the change."""

from __future__ import annotations

from perfpilot.artifacts import Baseline, EndpointStats, Finding, ImplementationPlan, LatencyPercentiles

MAX_REDUCTION = 0.95


def database_reduction(findings: list[Finding], workload_total_s: float) -> float:
    """Share of database time the planned fixes remove: their estimated seconds saved over the workload's
    total (capped, since fixes to one query overlap); with no workload total, their impacts combined."""
    db = [f for f in findings if f.layer == "database" and f.estimate is not None]
    if workload_total_s > 0:
        saved = sum(
            max(0.0, f.estimate.current - f.estimate.expected)
            for f in db
            if f.estimate is not None and f.estimate.metric == "workload_time_s"
        )
        return min(MAX_REDUCTION, saved / workload_total_s)
    remaining = 1.0
    for f in db:
        remaining *= 1 - f.impact
    return min(MAX_REDUCTION, 1 - remaining)


def _scaled(stats: EndpointStats, factor: float) -> EndpointStats:
    lat = stats.latency

    def s(value: float | None) -> float | None:
        return round(value * factor, 3) if value is not None else None

    return stats.model_copy(
        update={
            "latency": LatencyPercentiles(
                p50_ms=s(lat.p50_ms),
                p90_ms=s(lat.p90_ms),
                p95_ms=s(lat.p95_ms),
                p99_ms=s(lat.p99_ms),
                max_ms=s(lat.max_ms),
            ),
            "rps": round(stats.rps / factor, 3) if stats.rps is not None and factor > 0 else stats.rps,
        }
    )


def project(
    before: Baseline, findings: list[Finding], plan: ImplementationPlan | None, workload_total_s: float
) -> Baseline:
    """Latency scales by 1 - (database share x database reduction); throughput by the inverse."""
    planned = {c.finding_id for c in plan.changes} if plan is not None else {f.id for f in findings}
    chosen = [f for f in findings if f.id in planned]
    db_share = before.layer_time_share.get("database", 0.0)
    factor = 1 - db_share * database_reduction(chosen, workload_total_s)
    return before.model_copy(
        update={
            "overall": _scaled(before.overall, factor),
            "endpoints": [_scaled(e, factor) for e in before.endpoints],
            "sources": [*before.sources, "projected"],
        }
    )
