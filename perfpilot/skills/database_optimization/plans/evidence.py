"""Plan issues in the EXPLAIN output the target declares (`evidence.plans`): no database needed."""

from __future__ import annotations

from perfpilot.artifacts import Finding
from perfpilot.evidence.models import ExplainPlan
from perfpilot.skills.database_optimization.catalog.models import Catalog
from perfpilot.skills.database_optimization.findings.plan_issues import plan_issue_findings
from perfpilot.skills.database_optimization.plans.postgres import summarise_postgres_plan
from perfpilot.workload.fingerprint import fingerprint, fingerprint_id


def plan_subject(plan: ExplainPlan, index: int) -> str:
    """The shape id of the explained statement (the digest's id for it), else the plan's place."""
    if plan.statement:
        return fingerprint_id(fingerprint(plan.statement, "postgres"))
    return f"{plan.source}:{plan.line}" if plan.line else f"{plan.source}#{index + 1}"


def evidence_plan_findings(plans: list[ExplainPlan], catalog: Catalog | None) -> list[Finding]:
    """Issues (large sequential scans, spills, large nested loops, misestimates) of each declared plan."""
    findings: list[Finding] = []
    for index, plan in enumerate(plans):
        statement = plan.statement or f"(plan {index + 1} of {plan.source}; statement not in the file)"
        report = summarise_postgres_plan(plan.plan, statement, catalog=catalog, analyzed=plan.analyzed)
        findings += plan_issue_findings(report, plan_subject(plan, index), plan.source, plan.line)
    return findings
