"""Plan issues in the EXPLAIN output the target declares (`evidence.plans`): no database needed."""

from __future__ import annotations

from perfpilot.artifacts import Finding
from perfpilot.evidence.models import ExplainPlan
from perfpilot.skills.database_optimization.catalog.models import Catalog
from perfpilot.skills.database_optimization.findings.plan_issues import plan_issue_findings
from perfpilot.skills.database_optimization.plans.postgres import PlanReport, summarise_postgres_plan
from perfpilot.workload.fingerprint import fingerprint, fingerprint_id


def plan_subject(plan: ExplainPlan, index: int) -> str:
    """The shape id of the explained statement (the digest's id for it), else the plan's place."""
    if plan.statement:
        return fingerprint_id(fingerprint(plan.statement, "postgres"))
    return f"{plan.source}:{plan.line}" if plan.line else f"{plan.source}#{index + 1}"


def saved_plan_reports(plans: list[ExplainPlan], catalog: Catalog | None = None) -> list[PlanReport]:
    """The summary (nodes, issues) of each saved plan: what `db explain --plan` prints and the skill's
    plan findings are built from."""
    return [
        summarise_postgres_plan(
            plan.plan,
            plan.statement or f"(plan {index + 1} of {plan.source}; statement not in the file)",
            catalog=catalog, analyzed=plan.analyzed, settings=plan.settings,
        )
        for index, plan in enumerate(plans)
    ]


def evidence_plan_findings(
    plans: list[ExplainPlan], catalog: Catalog | None, shares: dict[str, float] | None = None
) -> list[Finding]:
    """Issues (large sequential scans, spills, large nested loops, misestimates) of each declared plan,
    weighed by the explained statement's share of workload time where the digest has it (`shares`, by
    shape id)."""
    findings: list[Finding] = []
    for index, (plan, report) in enumerate(zip(plans, saved_plan_reports(plans, catalog), strict=True)):
        subject = plan_subject(plan, index)
        share = (shares or {}).get(subject)
        findings += plan_issue_findings(report, subject, plan.source, plan.line, share=share)
    return findings
