"""`perfpilot db explain` output: plan summaries in plain words (text) or as JSON; saved plan files read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from perfpilot.cli.errors import fail

if TYPE_CHECKING:
    from perfpilot.skills.database_optimization.api import PlanReport
    from perfpilot.skills.database_optimization.plans.postgres import PlanNode


def _rows(node: PlanNode) -> str:
    planned = f"rows={node.rows:,.0f}"
    if node.planned_total_rows is not None and node.planned_total_rows != node.rows:
        planned += f" per process (~{node.planned_total_rows:,.0f} in all)"
    if node.actual_rows is None:
        return planned
    if node.loops is None or node.loops <= 1:
        return f"{planned} actual={node.actual_rows:,.0f}"
    total = node.actual_total_rows if node.actual_total_rows is not None else node.actual_rows * node.loops
    return f"{planned} actual={total:,.0f} ({node.actual_rows:,.0f} x {node.loops:,.0f} loops)"


def report_text(report: PlanReport, heading: str) -> str:
    """One plan as text: heading, total cost, the node tree with rows, then its findings in words."""
    lines = [heading, f"total cost {report.total_cost:,.2f}{' (analyzed)' if report.analyzed else ''}"]
    for node in report.nodes:
        parallel = "Parallel " if node.parallel_aware else ""
        target = f" on {node.relation}" if node.relation else ""
        using = f" using {node.index}" if node.index else ""
        lines.append(f"{'  ' * (node.depth + 1)}{parallel}{node.node_type}{target}{using} {_rows(node)}")
    if report.issues:
        lines.append("findings:")
        lines += [f"  ! {issue.kind}: {issue.message}" for issue in report.issues]
    else:
        lines.append("findings: none")
    return "\n".join(lines) + "\n"


def explain_plan_file(path: Path, output: str) -> None:
    """Read saved PostgreSQL plans (JSON or text EXPLAIN output) and print each one's summary."""
    from perfpilot.evidence.errors import EvidenceError
    from perfpilot.evidence.explain import load_explain
    from perfpilot.skills.database_optimization.api import saved_plan_reports

    try:
        plans = load_explain(path, source=str(path))
    except EvidenceError as exc:
        fail(str(exc))
    reports = saved_plan_reports(plans)
    if output == "json":
        payload = [
            {"source": plan.source, "line": plan.line, "format": plan.format, **report.model_dump()}
            for plan, report in zip(plans, reports, strict=True)
        ]
        typer.echo(json.dumps(payload, indent=2))
        return
    for index, (plan, report) in enumerate(zip(plans, reports, strict=True), 1):
        where = f"{plan.source}:{plan.line}" if plan.line else plan.source
        statement = f": {plan.statement[:200]}" if plan.statement else " (statement not in the file)"
        typer.echo(report_text(report, f"-- plan {index} of {len(plans)} ({where}){statement}"))
