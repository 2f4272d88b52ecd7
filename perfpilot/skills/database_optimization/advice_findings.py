"""Findings the advisor reports besides its recommendations: plan issues and missing indexes."""

from __future__ import annotations

from perfpilot.artifacts import EvidenceRef, Finding, ImpactEstimate, Remediation, stable_id
from perfpilot.skills.database_optimization.advice_models import IndexRecommendation
from perfpilot.skills.database_optimization.candidates import QueryUse
from perfpilot.skills.database_optimization.catalog import Catalog
from perfpilot.skills.database_optimization.connect import (
    open_postgres_readonly,
    open_sqlite_readonly,
    parse_dsn,
)
from perfpilot.skills.database_optimization.hypo import HypoPgWhatIf
from perfpilot.skills.database_optimization.plans import PlanReport, explain_postgres
from perfpilot.skills.database_optimization.sqlite_plans import explain_sqlite
from perfpilot.skills.database_optimization.stats import SKILL_NAME
from perfpilot.skills.database_optimization.whatif import WhatIf


def missing_index_finding(rec: IndexRecommendation, source: str) -> Finding:
    """One recommendation as a finding, with the DDL as its remediation."""
    before = sum(q.cost_before * q.count for q in rec.queries)
    after = sum(q.cost_after * q.count for q in rec.queries)
    subject = f"{rec.table}({', '.join(rec.columns)})"
    return Finding(
        id=stable_id("missing-index", source, subject, rec.include),
        skill=SKILL_NAME,
        kind="missing_index",
        layer="database",
        subject=subject,
        title=f"Missing index on {subject}",
        root_cause=f"{len(rec.queries)} query shape(s) filter, join or sort on {subject} without an index; "
        f"the planner's cost for the workload falls by {rec.workload_cost_reduction:.0%} with it "
        f"({rec.method}).",
        impact=rec.workload_cost_reduction,
        priority="high" if rec.workload_cost_reduction >= 0.2 else "medium",
        estimate=ImpactEstimate(
            metric="workload_plan_cost", current=round(before, 2), expected=round(after, 2), method=rec.method
        ),
        remediation=Remediation(
            kind="ddl",
            title=f"Create index {rec.name}",
            content=rec.ddl,
            rollback=rec.rollback,
            effort_days=0.1,
            auto_applicable=True,
        ),
        evidence=[
            EvidenceRef(
                source=source,
                excerpt=f"shape {q.shape_id}: cost {q.cost_before} -> {q.cost_after} x {q.count}",
                values={"cost_before": q.cost_before, "cost_after": q.cost_after, "count": float(q.count)},
            )
            for q in rec.queries[:10]
        ],
    )


def issue_findings(report: PlanReport, shape_id: str, source: str) -> list[Finding]:
    """A finding per plan issue (one per kind and relation)."""
    findings: dict[str, Finding] = {}
    for issue in report.issues:
        fid = stable_id(f"plan-{issue.kind.replace('_', '-')}", source, shape_id, issue.relation)
        findings.setdefault(
            fid,
            Finding(
                id=fid,
                skill=SKILL_NAME,
                kind=issue.kind,
                layer="database",
                subject=f"{shape_id}:{issue.relation}" if issue.relation else shape_id,
                title=f"Plan of {shape_id}: {issue.message}",
                root_cause=issue.message,
                impact=0.1,
                priority="medium",
                evidence=[
                    EvidenceRef(
                        source=source,
                        excerpt=report.statement[:500],
                        values={"rows": issue.rows, "total_cost": report.total_cost},
                    )
                ],
            ),
        )
    return list(findings.values())


def plan_findings(
    uses: list[QueryUse], catalog: Catalog, dsn: str, dialect: str, whatif: WhatIf
) -> list[Finding]:
    """Plan issues of every query as it runs today (no hypothetical index)."""
    findings: list[Finding] = []
    if dialect == "postgres":
        if isinstance(whatif, HypoPgWhatIf):
            whatif.reset()
            reports = [explain_postgres(whatif.conn, u.statement, catalog=catalog) for u in uses]
        else:
            with open_postgres_readonly(dsn) as pg:
                reports = [explain_postgres(pg, u.statement, catalog=catalog) for u in uses]
        for use, report in zip(uses, reports, strict=True):
            findings.extend(issue_findings(report, use.shape_id, catalog.source))
    elif dialect == "sqlite":
        path = parse_dsn(dsn).path
        if path is None:
            return findings
        conn = open_sqlite_readonly(path)
        try:
            for use in uses:
                findings.extend(
                    issue_findings(
                        explain_sqlite(conn, use.statement, catalog=catalog), use.shape_id, catalog.source
                    )
                )
        finally:
            conn.close()
    return findings
