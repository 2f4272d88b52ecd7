"""auto_explain plans in a real PostgreSQL 15 log (JSON and text) read as plans, not as statements."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from structlog.testing import capture_logs

from perfpilot.evidence.explain import logged_plan
from perfpilot.workload.digest import digest_file
from perfpilot.workload.events import MAX_LOGGED_PLANS, ParseStats
from perfpilot.workload.formats.postgres_log import parse_postgres_log
from perfpilot.workload.models import LoggedPlan

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "workload" / "auto_explain"
LOG = FIXTURES / "postgres_auto_explain.log"


def _summary(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """Every node as the keys both formats give (text timings left out: JSON was logged without)."""
    keys = ("Node Type", "Relation Name", "Index Name", "Plan Rows", "Actual Rows", "Actual Loops",
            "Filter", "Rows Removed by Filter")
    nodes = [{k: plan[k] for k in keys if k in plan}]
    for child in plan.get("Plans", []):
        nodes += _summary(child)
    return nodes


def test_plans_are_kept_apart_from_the_statements() -> None:
    digest = digest_file(LOG)
    assert digest.unparsed_lines == 0
    assert digest.total_count == 10  # the SETs, the poll and the count, twice: the plans are not statements
    assert [(p.line, p.format, p.duration_s) for p in digest.plans] == [
        (4, "json", 0.125458), (81, "text", 0.059415), (40, "json", 0.010521), (88, "text", 0.005857),
    ]
    poll = "SELECT id, note FROM tasks WHERE state = 'queued' ORDER BY created_at LIMIT 5"
    count = "SELECT count(*)\n  FROM tasks\n WHERE state = 'queued'"
    assert [p.statement for p in digest.plans] == [poll, poll, count, count]
    assert "plans" not in digest.model_dump()  # the digest's JSON output is unchanged


def test_json_and_text_plans_read_into_the_golden_tree() -> None:
    expected = json.loads((FIXTURES / "expected_plans.json").read_text())
    plans = [logged_plan(p, "postgresql.log") for p in digest_file(LOG).plans]
    got = [
        {"line": p.line, "format": p.format, "analyzed": p.analyzed, "nodes": _summary(p.plan)} for p in plans
    ]
    assert got == expected
    by_statement: dict[str | None, list[list[dict[str, Any]]]] = {}
    for entry, plan in zip(got, plans, strict=True):
        by_statement.setdefault(plan.statement, []).append(entry["nodes"])
    for json_nodes, text_nodes in by_statement.values():  # both formats give the same tree
        assert json_nodes == text_nodes


def test_an_unreadable_plan_is_counted_with_its_line() -> None:
    lines = [
        "2026-12-06 19:19:55.312 UTC [1] u@d LOG:  duration: 5.000 ms  plan:\n",
        "\t{ not json\n",
        "2026-12-06 19:19:55.313 UTC [1] u@d LOG:  duration: 5.100 ms  statement: SELECT 1\n",
    ]
    stats = ParseStats("x.log")
    with capture_logs() as logs:
        events = list(parse_postgres_log(lines, stats))
    assert [e.sql for e in events] == ["SELECT 1"]
    assert stats.plans == [] and stats.unparsed_lines == 1
    assert logs[0]["where"] == "x.log:1" and logs[0]["reason"].startswith("auto_explain JSON plan:")


def test_text_plan_headers_are_not_the_statement() -> None:
    lines = [
        "2026-12-06 19:19:55.312 UTC [1] u@d LOG:  duration: 5.000 ms  plan:\n",
        "\tQuery Text: SELECT * FROM t\n",
        "\t  WHERE a = 1\n",
        "\tQuery Identifier: 42\n",
        "\tSeq Scan on t  (cost=0.00..10.00 rows=5 width=4) (actual rows=1 loops=1)\n",
        "\t  Filter: (a = 1)\n",
    ]
    stats = ParseStats("x.log")
    assert list(parse_postgres_log(lines, stats)) == []
    [plan] = stats.plans
    assert plan.statement == "SELECT * FROM t\n  WHERE a = 1"
    assert plan.text.startswith("Seq Scan on t") and plan.line == 1


def test_only_the_slowest_plans_are_kept() -> None:
    stats = ParseStats("x.log")
    for n in range(3 * MAX_LOGGED_PLANS):
        stats.keep_plan(LoggedPlan(line=n + 1, duration_s=float(n % 7), format="text", text="x"))
    kept = stats.slowest_plans()
    assert len(kept) == MAX_LOGGED_PLANS
    assert [p.duration_s for p in kept[:3]] == [6.0, 6.0, 6.0] and min(p.duration_s for p in kept) >= 4.0


def test_a_yaml_plan_is_named_as_not_read() -> None:
    lines = [
        "2026-12-06 19:19:55.312 UTC [1] u@d LOG:  duration: 5.000 ms  plan:\n",
        "\tQuery Text: SELECT 1\n",
        "\tPlan: \n",
        '\t  Node Type: "Result"\n',
    ]
    stats = ParseStats("x.log")
    with capture_logs() as logs:
        assert list(parse_postgres_log(lines, stats)) == []
    assert stats.plans == [] and stats.unparsed_lines == 1
    reason = "auto_explain plan neither JSON nor text (log_format xml and yaml are not read)"
    assert logs[0]["reason"] == reason
