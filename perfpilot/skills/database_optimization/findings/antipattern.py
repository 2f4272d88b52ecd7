"""Anti-patterns as findings, with impact as the share of workload time the shape explains."""

from __future__ import annotations

from perfpilot.artifacts import EvidenceRef, Finding, ImpactEstimate, Remediation
from perfpilot.artifacts.priority import priority_from_impact
from perfpilot.skills.database_optimization.antipatterns import AntiPattern
from perfpilot.skills.database_optimization.findings.format import db_finding, excerpt, safe_label
from perfpilot.workload.models import QueryShape

SEVERITY_WEIGHT = {"high": 1.0, "medium": 0.6, "low": 0.25}
"""Share of a shape's time an anti-pattern is taken to explain, by severity."""
SEVERITY_REDUCTION = {"high": 0.7, "medium": 0.4, "low": 0.1}
"""Expected time reduction of the shape once rewritten, by severity (heuristic, stated in the estimate)."""


def antipattern_finding(
    pattern: AntiPattern, shape: QueryShape, workload_time_s: float, source: str
) -> Finding:
    kind = f"anti_pattern:{pattern.check}"
    columns = f"({', '.join(pattern.columns)})" if pattern.columns else ""
    where = f"{pattern.table}{columns}" if pattern.table else "query"
    subject = safe_label(f"{where} in shape {shape.id}", 200)
    share = shape.total_time_s / workload_time_s if workload_time_s > 0 else shape.share
    impact = min(1.0, share * SEVERITY_WEIGHT[pattern.severity])
    content = pattern.rewrite or "Rewrite the query."
    if pattern.rewrite_sql:
        content += f"\n\n{pattern.rewrite_sql}"
    return db_finding(
        kind,
        subject,
        title=f"{pattern.check.replace('_', ' ').capitalize()} on {safe_label(where)}",
        root_cause=pattern.detail,
        impact=round(impact, 4),
        estimate=ImpactEstimate(
            metric="workload_time_s",
            current=round(shape.total_time_s, 6),
            expected=round(shape.total_time_s * (1 - SEVERITY_REDUCTION[pattern.severity]), 6),
            unit="s",
            method=f"heuristic: a {pattern.severity}-severity rewrite assumed to save "
            f"{SEVERITY_REDUCTION[pattern.severity]:.0%} of the shape's measured time",
        ),
        priority=priority_from_impact(impact),
        complexity="complex",
        remediation=Remediation(
            kind="patch",
            title=f"Rewrite: {pattern.check.replace('_', ' ')}",
            content=content,
            rollback="Revert the query change; no schema or data change is involved.",
            effort_days=0.5,
            risk="medium",
            auto_applicable=False,
        ),
        evidence=[
            EvidenceRef(
                source=source,
                excerpt=excerpt(shape.example),
                values={
                    "count": float(shape.count),
                    "total_time_s": shape.total_time_s,
                    "share": shape.share,
                },
            )
        ],
    )
