"""`perfpilot db explain --plan FILE`: saved plans in words or JSON; bad files exit 2 naming file, field."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from perfpilot.cli.app import app

PLANS = Path(__file__).resolve().parents[1] / "fixtures" / "plans"
runner = CliRunner()


def test_text_output_of_a_saved_parallel_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PLANS)
    result = runner.invoke(app, ["db", "explain", "--plan", "parallel_seq_scan.txt"])
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "-- plan 1 of 1 (parallel_seq_scan.txt:1): SELECT id, kind FROM events WHERE account_id = 77\n"
        "total cost 4,366.50 (analyzed)\n"
        "  Gather rows=15 actual=15\n"
        "    Parallel Seq Scan on events rows=6 per process (~14 in all) actual=15 (5 x 3 loops)\n"
        "findings:\n"
        "  ! seq_scan_large: sequential scan of events read 300,000 rows in 3 processes and kept 15 (0.005%) "
        "with filter (account_id = 77): a selective filter, so an index on the filtered columns would read "
        "only the matching rows\n\n"
    )


def test_json_output_carries_per_loop_and_total_rows() -> None:
    plan = str(PLANS / "nested_loop.json")
    result = runner.invoke(app, ["db", "explain", "--plan", plan, "--format", "json"])
    assert result.exit_code == 0, result.output
    [report] = json.loads(result.stdout)
    assert (report["format"], report["analyzed"], report["line"]) == ("json", True, None)
    rows = [(n["node_type"], n["parallel_aware"], n["rows"], n["planned_total_rows"], n["actual_rows"],
             n["loops"], n["actual_total_rows"]) for n in report["nodes"][:3]]
    assert rows == [
        ("Gather", False, 99_340, 99_340, 100_000, 1, 100_000),
        ("Nested Loop", False, 41_392, pytest.approx(41_392 * 2.4), 33_333, 3, 100_000),  # from the Gather
        ("Seq Scan", True, 41_392, pytest.approx(41_392 * 2.4), 33_333, 3, 99_999),  # 33,333 x 3
    ]
    assert [i["kind"] for i in report["issues"]] == ["nested_loop_many", "seq_scan_large"]


def test_a_file_of_several_plans_is_explained_plan_by_plan() -> None:
    path = PLANS.parent / "evidence" / "explain" / "plans.txt"
    result = runner.invoke(app, ["db", "explain", "--plan", str(path)])
    assert result.exit_code == 0, result.output
    assert [line.split(")")[0] for line in result.stdout.splitlines() if line.startswith("-- plan")] == [
        f"-- plan 1 of 2 ({path}:2", f"-- plan 2 of 2 ({path}:13",
    ]


@pytest.mark.parametrize(("content", "message"), [
    ('[\n  {"Plan": {"Node Type": "Seq Scan",\n   "Plan Rows": "many"}}\n]\n',
     'bad.json: plan 1: Plan: "Plan Rows" is "many", not a number'),
    ('[\n  {"Plan": {"Node Type": "Seq Scan",\n   "Plan Rows": }}\n]\n',
     "bad.json:3: not JSON: Expecting value (column 17)"),
    ('[{"Plan": {"Node Type": "Gather", "Plans": [{"Plan Rows": 3}]}}]',
     'bad.json: plan 1: Plan > Plans[0]: no "Node Type" text'),
    ('[{"Plan": {"Node Type": "Gather", "Plans": {"Node Type": "Seq Scan"}}}]',
     'bad.json: plan 1: Plan: "Plans" must be a list of plan nodes'),
    ("just words\n", "bad.json: no EXPLAIN plan found"),
])
def test_bad_plan_files_exit_2_naming_file_and_field(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("bad.json").write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["db", "explain", "--plan", "bad.json"])
    assert result.exit_code == 2
    assert result.stderr == f"perfpilot: {message}\n"
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("args", "message"), [
    (["--plan", "missing.json"], "missing.json: cannot read the file: No such file or directory"),
    ([], "give --plan FILE (a saved EXPLAIN), or --dsn and --sql to explain statements on a database"),
    (["--plan", "x.json", "--dsn", "sqlite:///x.db"],
     "--plan reads a saved plan: it takes no --dsn, --sql or --analyze"),
    (["--plan", "x.json", "--format", "yaml"], "--format must be text or json, not 'yaml'"),
])
def test_usage_errors_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["db", "explain", *args])
    assert result.exit_code == 2
    assert result.stderr == f"perfpilot: {message}\n"
    assert os.listdir(tmp_path) == []
