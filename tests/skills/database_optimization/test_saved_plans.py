"""Saved PostgreSQL plans (recorded by scripts/record_pg_plans.py from PostgreSQL 15): parallel-aware row
counts, findings in plain words, JSON and text giving the same tree and the same findings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from perfpilot.evidence.explain import load_explain
from perfpilot.evidence.models import ExplainPlan
from perfpilot.skills.database_optimization.api import saved_plan_reports
from perfpilot.skills.database_optimization.plans.rows import parallel_divisor, walk_rows

PLANS = Path(__file__).resolve().parents[2] / "fixtures" / "plans"
TREE_KEYS = ("Node Type", "Relation Name", "Index Name", "Plan Rows", "Actual Rows", "Join Type", "Strategy",
             "Workers Planned", "Workers Launched", "Filter", "Rows Removed by Filter", "Hash Batches",
             "HashAgg Batches", "Planned Partitions", "Disk Usage")


def _plan(name: str) -> ExplainPlan:
    [plan] = load_explain(PLANS / name, source=name)
    return plan


def _tree(node: dict[str, Any]) -> list[Any]:
    keys = {k: node[k] for k in TREE_KEYS if k in node}
    mode = node.get("Partial Mode")
    return [keys, node.get("Parallel Aware") is True, mode if mode != "Simple" else None,
            [_tree(c) for c in node.get("Plans", [])]]


def _loops(node: dict[str, Any]) -> list[Any]:
    return [node.get("Actual Loops"), [_loops(c) for c in node.get("Plans", [])]]


@pytest.mark.parametrize("name", ["parallel_seq_scan", "parallel_seq_scan_plain", "stale_statistics",
                                  "sort_spill", "hash_spill", "hashagg_spill", "nested_loop"])
def test_text_and_json_recordings_give_the_same_tree(name: str) -> None:
    text, document = _plan(f"{name}.txt"), _plan(f"{name}.json")
    assert (text.format, document.format) == ("text", "json")
    assert text.analyzed == document.analyzed == (name != "parallel_seq_scan_plain")
    assert _tree(text.plan) == _tree(document.plan)
    if name != "nested_loop":  # Memoize's cache misses (the inner scan's loops) vary between runs
        assert _loops(text.plan) == _loops(document.plan)


def test_parallel_divisor_is_the_planners() -> None:
    # costsize.c: workers + (1 - 0.3 x workers) for the leader while that is positive.
    assert [parallel_divisor(n) for n in (1, 2, 3, 4)] == [1.7, 2.4, 3.1, 4.0]
    assert parallel_divisor(2, leader_participates=False) == 2.0


@pytest.mark.parametrize("ext", ["json", "txt"])
def test_rows_of_a_parallel_scan_are_per_loop_times_loops(ext: str) -> None:
    plan = _plan(f"parallel_seq_scan.{ext}")
    [(gather, _, gathered), (scan, depth, rows)] = list(walk_rows(plan.plan))
    assert (gather["Node Type"], scan["Node Type"], depth) == ("Gather", "Seq Scan", 1)
    assert (gathered.actual_total, gathered.processes, gathered.parallel) == (15, 1.0, False)
    # Parallel Seq Scan: rows=6 loops=3 per loop, 99,995 removed per loop, two workers planned.
    assert (rows.planned, rows.processes, rows.planned_total) == (6, 2.4, pytest.approx(14.4))
    assert (rows.actual, rows.loops, rows.actual_total) == (5, 3, 15)  # the Gather's exact 15
    assert rows.removed_total == 3 * 99_995
    assert rows.actual_total + rows.removed_total == 300_000  # the table's rows


@pytest.mark.parametrize("ext", ["json", "txt"])
def test_findings_of_recorded_parallel_plans(ext: str) -> None:
    issues = {
        name: [(i.kind, i.relation, i.rows) for i in saved_plan_reports([_plan(f"{name}.{ext}")])[0].issues]
        for name in ("parallel_seq_scan", "parallel_seq_scan_plain", "stale_statistics", "hash_spill",
                     "hashagg_spill", "nested_loop")
    }
    assert issues == {
        # 300,000 rows read across the leader and 2 workers, 15 kept (the per-loop figures were 1/3).
        "parallel_seq_scan": [("seq_scan_large", "events", 300_000)],
        # without ANALYZE or a catalog the table's size is unknown: 6 rows per process say nothing
        "parallel_seq_scan_plain": [],
        # 16,667 per loop x 3 (the Gather's exact 50,000) against an estimate of 1 per process (2.4 in
        # all); reported once, at the scan where it starts, not again at the Gather and Aggregate above.
        "stale_statistics": [("seq_scan_large", "jobs", 200_000), ("misestimate", "jobs", 50_000)],
        "hash_spill": [("seq_scan_large", "events", 300_000), ("hash_spill", None, 20_001),
                       ("seq_scan_large", "accounts", 20_001)],
        # HashAggregate above the Gather: 1,365 batches, 17,528 kB on disk (PostgreSQL 13+ spills)
        "hashagg_spill": [("hash_spill", None, 300_000), ("seq_scan_large", "events", 300_000)],
        # the inner Memoize ran 100,000 times: once per outer row of all three processes
        "nested_loop": [("nested_loop_many", None, 100_000), ("seq_scan_large", "events", 300_000)],
    }


def test_messages_say_what_the_plan_shows_in_words() -> None:
    def messages(name: str) -> list[str]:
        return [i.message for i in saved_plan_reports([_plan(name)])[0].issues]

    assert messages("parallel_seq_scan.json") == [
        "sequential scan of events read 300,000 rows in 3 processes and kept 15 (0.005%) with filter "
        "(account_id = 77): a selective filter, so an index on the filtered columns would read only the "
        "matching rows",
    ]
    assert messages("stale_statistics.txt")[1] == (
        "Seq Scan on jobs: estimated 2 rows, actual 50,000 in all over 3 processes "
        "(20,833x more rows than planned)"
    )
    assert messages("hash_spill.json")[1] == (
        "hash of 20,001 rows spilled to disk in 16 batches (it did not fit in work_mem x hash_mem_multiplier)"
    )
    # leader 5,528 + workers 3,328 and 5,088 kB (JSON); 5,432 + 3,544 + 4,992 kB in the text run
    assert messages("sort_spill.json")[0] == (
        "sort spilled to disk (external merge, 13,944 kB in all, over 3 processes)"
    )
    assert messages("sort_spill.txt")[0] == (
        "sort spilled to disk (external merge, 13,968 kB in all, over 3 processes)"
    )
    assert messages("hashagg_spill.txt")[0] == messages("hashagg_spill.json")[0] == (
        "hash aggregate of 300,000 groups spilled to disk: 1,365 batches, 17,528 kB written (it did not "
        "fit in work_mem x hash_mem_multiplier)"
    )
    assert messages("nested_loop.txt")[0] == (
        "nested loop over 100,000 outer rows (33,333 per loop x 3 loops): its inner side runs once each"
    )


@pytest.mark.parametrize("ext", ["json", "txt"])
def test_stale_statistics_of_a_parallel_scan_compare_totals(ext: str) -> None:
    from perfpilot.skills.database_optimization.findings.plan_statistics import plan_statistics_findings

    [finding] = plan_statistics_findings([_plan(f"stale_statistics.{ext}")], None, [])
    values = finding.evidence[0].values
    # 1 row per process planned (2.4 in all), 50,000 gathered from 3 processes, 50,000 removed by each
    assert (values["estimated_rows"], values["actual_rows"], values["rows_removed_by_filter"]) == (
        pytest.approx(2.4), 50_000, 150_000,
    )
    assert values["estimate_factor"] == 20_833.3
    assert "estimated 2 rows in all (1 per process over 2.4), 50,000 came up from 3 processes" in (
        finding.root_cause
    )


def test_a_plan_issue_weighs_what_its_statement_takes_of_the_workload_or_says_it_is_unknown() -> None:
    from perfpilot.skills.database_optimization.plans.evidence import evidence_plan_findings, plan_subject

    plan = _plan("parallel_seq_scan.json")
    [unweighed] = evidence_plan_findings([plan], None)
    assert (unweighed.kind, unweighed.impact, unweighed.priority) == ("plan:seq_scan_large", 0.0, "low")
    assert unweighed.root_cause.endswith(
        "The evidence gives no workload share for this statement: its cost is unknown."
    )
    [weighed] = evidence_plan_findings([plan], None, {plan_subject(plan, 0): 0.42})
    assert (weighed.impact, weighed.priority) == (0.42, "high")
    lead = "The statement takes 42% of the workload's time: the issue is a lead on where it goes."
    assert lead in weighed.root_cause
