"""Plan issues as findings: one per issue kind and relation of a shape's plan, kind 'plan:<issue>'."""

from __future__ import annotations

from perfpilot.artifacts import EvidenceRef, Finding
from perfpilot.artifacts.priority import priority_from_impact
from perfpilot.skills.database_optimization.findings.format import (
    db_finding,
    excerpt,
    finding_id,
    safe_label,
)
from perfpilot.skills.database_optimization.plans.postgres import PlanReport
from perfpilot.workload.fingerprint import fingerprint

PLAN_ISSUE_IMPACT = 0.1
"""A plan issue is a lead, not a measured cost: a fixed, medium impact."""


def plan_issue_findings(
    report: PlanReport, shape_id: str, source: str, line: int | None = None
) -> list[Finding]:
    """A finding per plan issue (one per kind and relation); `source` (and `line`) name the plan's origin."""
    findings: dict[str, Finding] = {}
    shape = excerpt(fingerprint(report.statement), 60)  # literals out: a title names the query, not its data
    for issue in report.issues:
        kind = f"plan:{issue.kind}"
        subject = f"{shape_id}:{issue.relation}" if issue.relation else shape_id
        findings.setdefault(
            finding_id(kind, subject),
            db_finding(
                kind,
                subject,
                title=safe_label(f"{issue.message[:1].upper()}{issue.message[1:]} in {shape}", 120),
                root_cause=issue.message,
                impact=PLAN_ISSUE_IMPACT,
                priority=priority_from_impact(PLAN_ISSUE_IMPACT),
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
