"""Stale statistics from analyzed plans: a table whose scans the planner misjudges by orders of magnitude.

A scan estimate off by STALE_FACTOR or more on a table scan with a condition (plans/estimates.py) means
the statistics of that table no longer describe its data: the planner picks plans for rows that are not
there. The finding names the table, the worst scan with its figures and where it was logged, what the
catalog adds (autovacuum off for the table, rows changed since the last ANALYZE), and as remediation
ANALYZE with the autovacuum change that keeps the statistics fresh. Impact: the share of a workload's
time taken by the statements whose plans show it (the workload where that share is largest). The time
after ANALYZE depends on the plan the planner then picks: no estimate is projected.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from perfpilot.artifacts import EvidenceRef, Finding, Remediation
from perfpilot.artifacts.priority import priority_from_impact
from perfpilot.evidence.models import ExplainPlan
from perfpilot.skills.database_optimization.catalog.models import Catalog, Table
from perfpilot.skills.database_optimization.findings.format import db_finding, excerpt, safe_label
from perfpilot.skills.database_optimization.plans.estimates import ScanEstimate, scan_estimates
from perfpilot.skills.database_optimization.plans.evidence import plan_subject
from perfpilot.workload.models import WorkloadDigest

STALE_FACTOR = 100.0
"""Two orders of magnitude: beyond what sampling noise or a skewed value explains."""
MIN_ROWS = 1000.0
"""A misestimate over fewer rows than this changes no plan choice worth a finding."""
UNMEASURED_IMPACT = 0.1
"""Impact when no workload times the statements (plans declared alone): a lead, medium priority."""


@dataclass
class _Table:
    worst: ScanEstimate
    plan: ExplainPlan
    shapes: set[str] = field(default_factory=set)
    plans: int = 0


def _stale(estimate: ScanEstimate) -> bool:
    rows = max(estimate.estimated_rows, estimate.actual_rows + estimate.removed_rows)
    return estimate.factor >= STALE_FACTOR and rows >= MIN_ROWS


def _collect(plans: list[ExplainPlan], catalog: Catalog | None) -> dict[str, _Table]:
    tables: dict[str, _Table] = {}
    for index, plan in enumerate(plans):
        if not plan.analyzed:
            continue
        for estimate in filter(_stale, scan_estimates(plan.plan, catalog)):
            seen = tables.get(estimate.relation)
            if seen is None:
                seen = tables[estimate.relation] = _Table(estimate, plan)
            elif estimate.factor > seen.worst.factor:
                seen.worst, seen.plan = estimate, plan
            seen.plans += 1
            seen.shapes.add(plan_subject(plan, index))
    return tables


def _catalog_facts(table: Table | None) -> tuple[list[str], dict[str, float]]:
    facts: list[str] = []
    values: dict[str, float] = {}
    if table is None:
        return facts, values
    if table.autovacuum_enabled is False:
        facts.append("autovacuum is off for the table (autovacuum_enabled = false): nothing re-analyzes it")
    if table.modified_since_analyze and table.row_count:
        facts.append(
            f"{table.modified_since_analyze:,} rows changed since the last ANALYZE "
            f"({table.modified_since_analyze / table.row_count:.0%} of {table.row_count:,})"
        )
        values["modified_since_analyze"] = float(table.modified_since_analyze)
        values["rows"] = float(table.row_count)
    return facts, values


def _remediation(name: str, table: Table | None) -> Remediation:
    if table is not None and table.autovacuum_enabled is False:
        keep = (
            f"-- autovacuum is off for {name}: turn it back on so its statistics stay current\n"
            f"-- ALTER TABLE {name} RESET (autovacuum_enabled);"
        )
    else:
        keep = (
            f"-- bulk changes outpace autovacuum's default trigger (10% of rows changed): analyze after\n"
            f"-- them, "
            f"or lower it for this table: ALTER TABLE {name} SET (autovacuum_analyze_scale_factor = 0.02);"
        )
    return Remediation(
        kind="ddl",
        title=f"ANALYZE {name}",
        content=f"ANALYZE {name};\n{keep}",
        rollback="-- ANALYZE only refreshes statistics; nothing to roll back",
        effort_days=0.0,
        auto_applicable=True,
    )


def _timed(shape_ids: set[str], workloads: Sequence[WorkloadDigest]) -> tuple[float, float] | None:
    """(share, seconds) of the statements in the workload where they take the largest share."""
    best: tuple[float, float] | None = None
    for digest in workloads:
        seconds = sum(q.total_time_s for q in digest.queries if q.id in shape_ids)
        if seconds > 0 and digest.total_time_s > 0:
            share = min(1.0, seconds / digest.total_time_s)
            best = max(best or (share, seconds), (share, seconds))
    return best


def plan_statistics_findings(
    plans: list[ExplainPlan], catalog: Catalog | None, workloads: Sequence[WorkloadDigest]
) -> list[Finding]:
    """One stale_statistics finding per table whose analyzed scans are misestimated by STALE_FACTOR+."""
    findings: list[Finding] = []
    for relation, seen in sorted(_collect(plans, catalog).items()):
        table = catalog.table(relation) if catalog is not None else None
        name = safe_label(relation, 120)
        timed = _timed(seen.shapes, workloads)
        impact, seconds = timed if timed is not None else (UNMEASURED_IMPACT, 0.0)
        worst = seen.worst
        facts, values = _catalog_facts(table)
        where = f"{seen.plan.source}:{seen.plan.line}" if seen.plan.line else seen.plan.source
        why = (
            f"The planner misjudges scans of {name} by {worst.factor:,.0f}x ({worst.direction}estimate): "
            f"{worst.node_type} on {name} with {excerpt(worst.condition, 160)}: {worst.reading} "
            f"({where}; {seen.plans} analyzed scan(s) of {name} off by {STALE_FACTOR:g}x or more). Its "
            "statistics no longer describe its data, so plans are chosen for rows that are not there"
            + (f"; {'; '.join(facts)}" if facts else "")
            + ". ANALYZE refreshes them; an estimate still wrong after it points at correlated columns "
            "(CREATE STATISTICS) rather than staleness."
        )
        findings.append(
            db_finding(
                "stale_statistics",
                name,
                title=safe_label(f"Stale planner statistics on {name}: row estimates off by "
                                 f"{worst.factor:,.0f}x", 120),
                root_cause=why,
                impact=round(impact, 4),
                priority=priority_from_impact(impact),
                remediation=_remediation(name, table),
                evidence=[
                    EvidenceRef(
                        source=seen.plan.source,
                        line=seen.plan.line,
                        excerpt=excerpt(seen.plan.statement or worst.reading),
                        values={
                            "estimated_rows": worst.estimated_rows,
                            "actual_rows": worst.actual_rows,
                            "rows_removed_by_filter": worst.removed_rows,
                            "estimate_factor": round(worst.factor, 1),
                            "statement_time_s": round(seconds, 6),
                            "workload_share": round(impact, 4) if timed is not None else 0.0,
                            **values,
                        },
                    )
                ],
            )
        )
    return findings
