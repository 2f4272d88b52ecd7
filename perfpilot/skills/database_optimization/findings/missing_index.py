"""A missing-index finding: one per index the advisor recommends, built once, by the advisor."""

from __future__ import annotations

from collections.abc import Mapping

from perfpilot.artifacts import EvidenceRef, Finding, ImpactEstimate, Remediation
from perfpilot.artifacts.priority import priority_from_impact
from perfpilot.figures import share
from perfpilot.skills.database_optimization.findings.format import db_finding, excerpt, safe_label
from perfpilot.skills.database_optimization.indexes.models import IndexRecommendation, QueryCostChange
from perfpilot.workload.models import QueryShape


def _time_share(
    served: list[tuple[QueryCostChange, QueryShape]], workload_time_s: float | Mapping[str, float]
) -> float | None:
    """The served shapes' share of workload time: of one total, or each of the total of the workload that
    measured it; None when no total is known."""
    if isinstance(workload_time_s, Mapping):
        timed = [(shape, workload_time_s.get(shape.id, 0.0)) for _, shape in served]
        if not any(total > 0 for _, total in timed):
            return None
        return sum(shape.total_time_s / total for shape, total in timed if total > 0)
    return sum(shape.total_time_s for _, shape in served) / workload_time_s if workload_time_s > 0 else None


def missing_index_finding(
    rec: IndexRecommendation,
    shapes: dict[str, QueryShape],
    workload_time_s: float | Mapping[str, float],
    source: str,
) -> Finding:
    """A missing-index finding: impact is the time share of the shapes the index serves (of one workload
    total, or each of the total of the workload that measured it); the estimate scales each shape's
    measured time by the advisor's cost ratio for it."""
    served = [(q, shapes[q.shape_id]) for q in rec.queries if q.shape_id in shapes]
    current = sum(shape.total_time_s for _, shape in served)
    expected = sum(
        shape.total_time_s * (q.cost_after / q.cost_before if q.cost_before > 0 else 1.0)
        for q, shape in served
    )
    served_share = _time_share(served, workload_time_s)
    impact = min(1.0, served_share) if served_share is not None else rec.workload_cost_reduction
    include = f" INCLUDE ({', '.join(rec.include)})" if rec.include else ""
    subject = safe_label(f"{rec.table}({', '.join(rec.columns)}){include}", 200)
    label = safe_label(subject)
    return db_finding(
        "missing_index",
        subject,
        title=f"Missing index on {label}",
        root_cause=f"{len(rec.queries)} query shape(s) filter, join or sort on {label} with no index whose "
        f"leading columns serve them; the advisor ({rec.method}) puts the workload's cost "
        f"{share(rec.workload_cost_reduction)} lower with it."
        + (
            f" It makes {', '.join(rec.makes_redundant)} redundant (a leading prefix of it): drop "
            f"{'that' if len(rec.makes_redundant) == 1 else 'those'} once it is built."
            if rec.makes_redundant
            else ""
        )
        + (f" Writes: {safe_label(rec.write_load, 600)}." if rec.write_load else ""),
        impact=round(impact, 4),
        estimate=ImpactEstimate(
            metric="workload_time_s",
            current=round(current, 6),
            expected=round(expected, 6),
            unit="s",
            method=f"measured time of the served shapes x planner cost ratio after/before ({rec.method})",
        ),
        priority=priority_from_impact(impact),
        complexity="quick_fix",
        remediation=Remediation(
            kind="ddl",
            title=f"Create index {safe_label(rec.name)}",
            content=rec.ddl,
            rollback=rec.rollback,
            effort_days=0.1,
            risk="low",
            auto_applicable=True,
        ),
        evidence=[
            EvidenceRef(
                source=source,
                excerpt=excerpt(shape.example),
                values={
                    "count": float(shape.count),
                    "total_time_s": shape.total_time_s,
                    "cost_before": q.cost_before,
                    "cost_after": q.cost_after,
                },
            )
            for q, shape in served[:5]
        ],
    )
