"""Index advice for the skill: the one call into the advisor, and its output as findings."""

from __future__ import annotations

from perfpilot.artifacts import EvidenceRef, Finding, ImpactEstimate, Remediation
from perfpilot.skills.database_optimization.advice_models import Advice, IndexRecommendation
from perfpilot.skills.database_optimization.catalog import Catalog
from perfpilot.skills.database_optimization.finding_format import (
    SKILL_NAME,
    excerpt,
    finding_id,
    priority_for,
    safe_label,
)
from perfpilot.workload.models import QueryShape

OWN_KINDS = frozenset({"missing_index", "stale_statistics", "unused_index", "duplicate_index"})
KIND_ALIASES = {"redundant_index": "duplicate_index"}
"""Advisor kinds reported under the skill's vocabulary (a redundant index duplicates another's prefix)."""


def index_advice(
    shapes: list[QueryShape], catalog: Catalog, *, dsn: str | None, dialect: str,
    storage_budget_mb: float | None = None,
) -> Advice:
    """The single boundary to the index advisor (HypoPG, SQLite sandbox, or its heuristic)."""
    from perfpilot.skills.database_optimization.advisor import advise

    return advise(shapes, catalog, dsn=dsn, dialect=dialect, storage_budget_mb=storage_budget_mb)


def recommendation_finding(
    rec: IndexRecommendation, shapes: dict[str, QueryShape], workload_time_s: float, source: str
) -> Finding:
    """A missing-index finding: impact is the time share of the shapes the index serves; the estimate
    scales each shape's measured time by the advisor's cost ratio for it."""
    served = [(q, shapes[q.shape_id]) for q in rec.queries if q.shape_id in shapes]
    current = sum(shape.total_time_s for _, shape in served)
    expected = sum(
        shape.total_time_s * (q.cost_after / q.cost_before if q.cost_before > 0 else 1.0)
        for q, shape in served
    )
    impact = min(1.0, current / workload_time_s) if workload_time_s > 0 else rec.workload_cost_reduction
    include = f" INCLUDE ({', '.join(rec.include)})" if rec.include else ""
    subject = safe_label(f"{rec.table}({', '.join(rec.columns)}){include}", 200)
    label = safe_label(subject)
    return Finding(
        id=finding_id("missing_index", subject),
        skill=SKILL_NAME,
        kind="missing_index",
        layer="database",
        subject=subject,
        title=f"Missing index on {label}",
        root_cause=f"{len(rec.queries)} query shape(s) filter, join or sort on {label} with no index whose "
        f"leading columns serve them; the advisor ({rec.method}) puts the workload's cost "
        f"{rec.workload_cost_reduction:.0%} lower with it.",
        impact=round(impact, 4),
        estimate=ImpactEstimate(
            metric="workload_time_s", current=round(current, 6), expected=round(expected, 6), unit="s",
            method=f"measured time of the served shapes x planner cost ratio after/before ({rec.method})",
        ),
        priority=priority_for(impact),
        complexity="quick_fix",
        remediation=Remediation(
            kind="ddl", title=f"Create index {safe_label(rec.name)}", content=rec.ddl, rollback=rec.rollback,
            effort_days=0.1, risk="low", auto_applicable=True,
        ),
        evidence=[
            EvidenceRef(
                source=source,
                excerpt=excerpt(shape.example),
                values={"count": float(shape.count), "total_time_s": shape.total_time_s,
                        "cost_before": q.cost_before, "cost_after": q.cost_after},
            )
            for q, shape in served[:5]
        ],
    )


def advisor_findings(advice: Advice) -> list[Finding]:
    """The advisor's other findings (statistics, index hygiene, plan issues) under the skill's ids and
    kinds: plan issues become 'plan:<kind>'. Its missing-index findings are rebuilt from the
    recommendations by recommendation_finding, so they are left out here. A redundant index is
    reported as 'duplicate_index'."""
    out: list[Finding] = []
    for finding in advice.findings:
        if finding.kind == "missing_index":
            continue
        kind = KIND_ALIASES.get(finding.kind, finding.kind)
        if kind not in OWN_KINDS and not kind.startswith("plan:"):
            kind = f"plan:{kind}"
        out.append(finding.model_copy(update={
            "id": finding_id(kind, finding.subject), "kind": kind, "skill": SKILL_NAME,
            "title": safe_label(finding.title, 120), "priority": priority_for(finding.impact),
        }))
    return out
