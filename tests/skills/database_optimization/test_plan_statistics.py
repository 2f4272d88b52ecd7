"""Stale statistics from analyzed plans: golden figures from a real auto_explain log (PostgreSQL 15)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from perfpilot.evidence.explain import logged_plan
from perfpilot.evidence.models import ExplainPlan
from perfpilot.skills.database_optimization.catalog.models import Catalog, Table
from perfpilot.skills.database_optimization.findings.plan_statistics import plan_statistics_findings
from perfpilot.skills.database_optimization.plans.estimates import scan_estimates
from perfpilot.skills.database_optimization.plans.postgres import summarise_postgres_plan
from perfpilot.workload.digest import digest_file

LOG = Path(__file__).resolve().parents[2] / "fixtures/workload/auto_explain/postgres_auto_explain.log"


@pytest.fixture(scope="module")
def logged() -> tuple[list[ExplainPlan], Any]:
    digest = digest_file(LOG).model_copy(update={"source": "postgresql.log"})
    return [logged_plan(p, "postgresql.log") for p in digest.plans], digest


def _scan(rows: float, actual: float, removed: float = 0.0, cost: float = 100.0) -> dict[str, Any]:
    return {"Node Type": "Seq Scan", "Relation Name": "t", "Plan Rows": rows, "Actual Rows": actual,
            "Actual Loops": 1, "Total Cost": cost, "Filter": "(a = 1)", "Rows Removed by Filter": removed}


def test_estimates_of_the_logged_scans(logged: tuple[list[ExplainPlan], Any]) -> None:
    plans, _ = logged
    poll, count = scan_estimates(plans[0].plan), scan_estimates(plans[2].plan)
    [limited] = poll
    assert limited.stopped_early and limited.direction == "over"
    # under the Limit: 108,332 estimated of at most 4427.29 / 0.01 rows read; 5 of 59,965 read passed
    assert limited.factor == pytest.approx((108332 / 442729) / (5 / 59965), rel=1e-4)
    assert "read 59,965 rows and 5 passed" in limited.reading
    [scan] = count
    assert not scan.stopped_early and scan.factor == pytest.approx(108332 / 36)
    assert scan.condition == "(state = 'queued'::text)"
    assert [e.factor for e in scan_estimates(plans[1].plan)] == [pytest.approx(limited.factor)]


def test_the_table_is_named_with_analyze_and_autovacuum_advice(logged: tuple[list[ExplainPlan], Any]) -> None:
    plans, digest = logged
    catalog = Catalog(dialect="postgres", source="ddl:schema.sql",
                      tables=[Table(name="tasks", autovacuum_enabled=False)])
    [finding] = plan_statistics_findings(plans, catalog, [digest])
    assert (finding.kind, finding.subject, finding.priority) == ("stale_statistics", "tasks", "high")
    poll_and_count = sum(q.total_time_s for q in digest.queries if "tasks" in q.tables)
    assert finding.impact == pytest.approx(round(poll_and_count / digest.total_time_s, 4))
    assert finding.remediation is not None
    assert finding.remediation.content.startswith("ANALYZE tasks;\n")
    assert "ALTER TABLE tasks RESET (autovacuum_enabled);" in finding.remediation.content
    assert "autovacuum is off for the table" in finding.root_cause
    assert "4 analyzed scan(s) of tasks off by 100x or more" in finding.root_cause
    [ref] = finding.evidence
    assert (ref.source, ref.line) == ("postgresql.log", 40)  # the worst: 108,332 estimated, 36 came up
    assert ref.values["estimated_rows"] == 108332 and ref.values["actual_rows"] == 36
    assert finding.estimate is None  # the time after ANALYZE is not projected


def test_autovacuum_on_gets_threshold_advice_and_catalog_rows_are_used() -> None:
    plan = ExplainPlan(source="p.json", format="json", analyzed=True, statement="SELECT 1 FROM t WHERE a = 1",
                       plan={"Node Type": "Limit", "Plan Rows": 5, "Actual Rows": 5, "Actual Loops": 1,
                             "Plans": [_scan(50000, 5, 99995, cost=1e9)]})
    catalog = Catalog(dialect="postgres", source="postgresql:db", tables=[Table(name="t", row_count=100000)])
    [estimate] = scan_estimates(plan.plan, catalog)
    assert estimate.factor == pytest.approx(0.5 / (5 / 100000))  # the table's rows, not the cost bound
    [finding] = plan_statistics_findings([plan], catalog, [])
    assert finding.impact == 0.1  # no workload times the statement
    assert finding.remediation is not None
    assert "autovacuum_analyze_scale_factor" in finding.remediation.content


@pytest.mark.parametrize(
    ("node", "why"),
    [
        (_scan(1000, 900, 100), "estimate close to what came up"),
        (_scan(5000, 100, 0), "off by 50x: under the 100x threshold"),
        (_scan(500, 1, 0), "too few rows to change a plan"),
        ({**_scan(100000, 1, 0), "Filter": None}, "no condition the statistics estimate"),
    ],
)
def test_no_finding(node: dict[str, Any], why: str) -> None:
    plan = ExplainPlan(source="p.json", format="json", analyzed=True, plan=node)
    assert plan_statistics_findings([plan], None, []) == [], why


def test_plain_explain_plans_are_not_judged() -> None:
    plan = ExplainPlan(source="p.json", format="json", analyzed=False, plan=_scan(100000, 1, 0))
    assert plan_statistics_findings([plan], None, []) == []


def test_a_scan_stopped_by_a_limit_is_no_misestimate_issue(logged: tuple[list[ExplainPlan], Any]) -> None:
    plans, _ = logged
    limited = summarise_postgres_plan(plans[0].plan, "poll", analyzed=True)
    completed = summarise_postgres_plan(plans[2].plan, "count", analyzed=True)
    assert [i.kind for i in limited.issues] == []
    assert [(i.kind, i.relation) for i in completed.issues] == [
        ("seq_scan_large", "tasks"), ("misestimate", "tasks")
    ]
