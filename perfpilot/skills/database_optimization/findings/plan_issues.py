"""Plan issues as findings: one per issue kind and relation of a shape's plan, kind 'plan:<issue>'."""

from __future__ import annotations

from perfpilot.artifacts import EvidenceRef, Finding
from perfpilot.artifacts.priority import priority_from_impact
from perfpilot.figures import share as percent
from perfpilot.skills.database_optimization.findings.format import (
    db_finding,
    excerpt,
    finding_id,
    safe_label,
)
from perfpilot.skills.database_optimization.plans.postgres import PlanReport
from perfpilot.workload.fingerprint import fingerprint


def plan_issue_findings(
    report: PlanReport, shape_id: str, source: str, line: int | None = None, share: float | None = None
) -> list[Finding]:
    """A finding per plan issue (one per kind and relation); `source` (and `line`) name the plan's origin.

    A plan issue is a lead on where a statement's time goes, not a measured cost of its own: its impact is
    the statement's measured share of the workload's time (`share`), or 0 when the evidence has no
    workload share for it (a saved plan alone), and its text says which."""
    findings: dict[str, Finding] = {}
    shape = excerpt(fingerprint(report.statement), 60)  # literals out: a title names the query, not its data
    impact = round(min(1.0, max(0.0, share)), 4) if share is not None else 0.0
    weight = (
        f" The statement takes {percent(share)} of the workload's time: the issue is a lead on where it goes."
        if share is not None
        else " The evidence gives no workload share for this statement: its cost is unknown."
    )
    for issue in report.issues:
        kind = f"plan:{issue.kind}"
        subject = f"{shape_id}:{issue.relation}" if issue.relation else shape_id
        findings.setdefault(
            finding_id(kind, subject),
            db_finding(
                kind,
                subject,
                title=safe_label(f"{issue.message[:1].upper()}{issue.message[1:]} in {shape}", 120),
                root_cause=issue.message[:1].upper() + issue.message[1:] + "." + weight,
                impact=impact,
                priority=priority_from_impact(impact),
                evidence=[
                    EvidenceRef(
                        source=source,
                        line=line,
                        excerpt=report.statement[:500],
                        values={"rows": issue.rows, "total_cost": report.total_cost},
                    )
                ],
            ),
        )
    return list(findings.values())
