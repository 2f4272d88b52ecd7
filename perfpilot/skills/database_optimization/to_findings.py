"""Anti-patterns and N+1 patterns as findings, with impact as the share of workload time they explain."""

from __future__ import annotations

from perfpilot.artifacts import EvidenceRef, Finding, ImpactEstimate, Remediation
from perfpilot.skills.database_optimization.antipatterns import AntiPattern
from perfpilot.skills.database_optimization.finding_format import (
    SKILL_NAME,
    excerpt,
    finding_id,
    priority_for,
    safe_label,
)
from perfpilot.skills.database_optimization.nplusone import NPlusOne
from perfpilot.workload.models import QueryShape
from perfpilot.workload.tables import tables_of

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
    return Finding(
        id=finding_id(kind, subject),
        skill=SKILL_NAME,
        kind=kind,
        layer="database",
        subject=subject,
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
        priority=priority_for(impact),
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


def _on_table(fingerprint: str) -> str:
    tables = tables_of(fingerprint)
    return f" on {safe_label(tables[0], 40)}" if tables else ""


def nplusone_finding(found: NPlusOne, total_time_s: float) -> Finding:
    """`total_time_s`: all traced request time (traces) or all logged statement time (logs)."""
    where = found.endpoint or "sessions"
    subject = safe_label(f"{where}: shape {found.shape_id}", 200)
    impact = min(1.0, found.repeated_time_s / total_time_s) if total_time_s > 0 else 0.0
    batched = found.repeated_time_s / max(1.0, found.calls_median)
    content = found.rewrite + (f"\n\n{found.rewrite_sql}" if found.rewrite_sql else "")
    scope = "trace" if found.scope == "trace" else "session"
    return Finding(
        id=finding_id("n_plus_one", subject),
        skill=SKILL_NAME,
        kind="n_plus_one",
        layer="database",
        subject=subject,
        title=f"N+1 queries{_on_table(found.fingerprint)} in {safe_label(where)}: "
        f"{found.calls_median:g} calls per request (max {found.calls_max})",
        root_cause=f"In {found.requests} {scope}(s) the same statement shape runs once per row of the "
        f"preceding query ({found.calls_median:g} times per request, up to {found.calls_max}), taking a "
        f"median {found.request_share_median:.0%} of the request's time.",
        impact=round(impact, 4),
        estimate=ImpactEstimate(
            metric="workload_time_s",
            current=found.repeated_time_s,
            expected=round(batched, 6),
            unit="s",
            method="the repeated calls replaced by one batched query per request, assumed to cost about "
            "one of them",
        ),
        priority=priority_for(impact),
        complexity="complex",
        remediation=Remediation(
            kind="patch",
            title="Batch the per-row queries",
            content=content,
            rollback="Revert the application change; no schema or data change is involved.",
            effort_days=1.0,
            risk="medium",
            auto_applicable=False,
        ),
        evidence=[
            EvidenceRef(
                source=found.source,
                line=found.line,
                excerpt=excerpt(found.example),
                values={
                    "calls_median": found.calls_median,
                    "calls_max": float(found.calls_max),
                    "requests": float(found.requests),
                    "request_share_median": found.request_share_median,
                    "repeated_time_s": found.repeated_time_s,
                },
            ),
            *(
                [EvidenceRef(source=found.source, excerpt="parent: " + excerpt(found.parent_example))]
                if found.parent_example
                else []
            ),
        ],
    )
