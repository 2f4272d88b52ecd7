"""Range shares measured in analyzed plans, and the index heuristic using them instead of its 1/4."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from perfpilot.evidence.explain import load_explain
from perfpilot.evidence.models import ExplainPlan
from perfpilot.skills.database_optimization.catalog.ddl import catalog_from_ddl
from perfpilot.skills.database_optimization.indexes.advisor import advise
from perfpilot.skills.database_optimization.plans.range_shares import (
    observed_range_shares,
    range_column,
    with_range_shares,
)
from perfpilot.workload.fingerprint import fingerprint, fingerprint_id
from perfpilot.workload.models import QueryShape

RECORDED = Path(__file__).parents[3] / "perfpilot/evals/incidents/db-customer-spend-report-work-mem-pgbench"
REPORT = (
    "SELECT customer_id, count(*) AS orders, sum(amount_cents) AS spent FROM orders "
    "WHERE created_at >= date '2026-01-01' + 22 GROUP BY customer_id ORDER BY spent DESC"
)


@pytest.mark.parametrize(
    ("condition", "column"),
    [
        ("(created_at >= '2026-01-21 00:00:00+00'::timestamp with time zone)", "created_at"),
        ("((created_at >= '2026-03-01 00:00:00+00'::timestamp with time zone) AND "
         "(created_at < '2026-04-01 00:00:00+00'::timestamp with time zone))", "created_at"),
        ("(o.created_at >= (now() - '30 days'::interval))", "created_at"),
        ("(amount_cents > $1)", "amount_cents"),
        ("((status)::text = 'queued'::text)", None),
        ("((amount_cents > 10) OR (amount_cents < 0))", None),
        ("(created_at > updated_at)", None),
        ("((created_at >= '2026-01-21'::date) AND (amount_cents > 100))", None),
        ("(note >= 'a >= b')", "note"),
    ],
)
def test_range_column(condition: str, column: str | None) -> None:
    assert range_column(condition) == column


def _plan(kept: float, removed: float, condition: str = "(created_at >= '2026-06-01'::date)") -> ExplainPlan:
    node: dict[str, Any] = {
        "Node Type": "Seq Scan", "Relation Name": "orders", "Filter": condition, "Plan Rows": kept,
        "Total Cost": 20834.0, "Actual Rows": kept, "Actual Loops": 1, "Rows Removed by Filter": removed,
    }
    return ExplainPlan(source="plan.json", format="json", analyzed=True, plan=node)


def test_the_recorded_plan_measures_the_report_range() -> None:
    plans = load_explain(RECORDED / "explain_before.json", source="explain_before.json")
    assert observed_range_shares(plans) == {("orders", "created_at"): pytest.approx(942401 / 1000000)}


def test_the_smallest_share_is_kept_and_small_scans_say_nothing() -> None:
    plans = [_plan(9000, 1000), _plan(100, 9900), _plan(10, 900)]
    assert observed_range_shares(plans) == {("orders", "created_at"): 0.01}


def _advice_subjects(plans: list[ExplainPlan]) -> list[str]:
    catalog = catalog_from_ddl(RECORDED / "schema.sql", "postgres")
    text = fingerprint(REPORT, "postgres")
    shape = QueryShape(
        id=fingerprint_id(text), fingerprint=text, example=REPORT, count=22, total_time_s=74.9,
        mean_time_s=3.4, p95_time_s=4.4, max_time_s=4.7,
    )
    advice = advise([shape], with_range_shares(catalog, plans), dsn=None, dialect="postgres")
    return [finding.subject for finding in advice.findings]


def test_a_range_that_kept_most_rows_gets_no_index_and_a_selective_one_does() -> None:
    assert _advice_subjects([]) == ["orders(created_at)"]  # the heuristic's assumed 1/4
    recorded = load_explain(RECORDED / "explain_before.json", source="explain_before.json")
    assert _advice_subjects(recorded) == []  # measured: the range kept 94.2% of the rows
    assert _advice_subjects([_plan(100, 9900)]) == ["orders(created_at)"]  # measured: 1%
