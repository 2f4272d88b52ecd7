"""`perfpilot db digest`: table and JSON output, exit 2 with a message naming the file, fast imports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from perfpilot.cli.db import app

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "workload"
ROOT = Path(__file__).resolve().parent.parent.parent
runner = CliRunner()


def test_digest_prints_a_ranked_table() -> None:
    result = runner.invoke(app, ["digest", str(FIXTURES / "mysql_slow.log")])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "mysql_slow" in lines[0] and "5 statements" in lines[0]
    assert lines[1].split()[:4] == ["rank", "id", "count", "total"]
    first = lines[2].split()
    assert first[0] == "1" and first[2] == "2" and first[3] == "1.000"
    assert "select * from orders where customer_id = ?" in lines[2]


def test_digest_json_shape_and_rank_order() -> None:
    result = runner.invoke(app, ["digest", str(FIXTURES / "postgres_m.log"), "--json", "--top", "1"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["source"].endswith("postgres_m.log") and data["format"] == "postgres_log"
    assert len(data["queries"]) == 1
    query = data["queries"][0]
    for key in ("fingerprint", "id", "count", "total_time_s", "mean_time_s", "p95_time_s", "share", "tables"):
        assert key in query
    assert query["fingerprint"] == "select * from orders where id = ?" and query["count"] == 2


def test_digest_explicit_format_and_sorted_json() -> None:
    result = runner.invoke(app, ["digest", str(FIXTURES / "queries.jsonl"), "--format", "jsonl", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    totals = [q["total_time_s"] for q in data["queries"]]
    assert totals == sorted(totals, reverse=True)
    assert data["unparsed_lines"] == 3


def test_missing_file_exits_2_naming_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.log"
    result = runner.invoke(app, ["digest", str(missing)])
    assert result.exit_code == 2
    assert str(missing) in result.stderr and "Traceback" not in result.output


def test_not_a_workload_exits_2_naming_the_file() -> None:
    path = FIXTURES / "not_a_workload.txt"
    result = runner.invoke(app, ["digest", str(path)])
    assert result.exit_code == 2
    assert f"{path}: not a recognised workload" in result.stderr


def test_module_runs_as_a_script_with_exit_2() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "perfpilot.cli.db", "digest", "definitely-missing.log"],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )
    assert done.returncode == 2
    assert "definitely-missing.log" in done.stderr and "Traceback" not in done.stderr


def test_importing_the_db_cli_stays_light() -> None:
    heavy = ("langgraph", "langchain", "langchain_core", "anthropic", "perfpilot.agents", "perfpilot.graphs")
    code = (
        "import sys, perfpilot.cli.db, perfpilot.workload.digest\n"
        f"heavy = {heavy!r}\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy or m.startswith(heavy)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "[]"


def test_format_choices_match_the_target_spec() -> None:
    from typing import get_args

    from perfpilot.cli.db import FormatChoice
    from perfpilot.target.spec import WorkloadFormat
    from perfpilot.workload.ingest import FORMATS

    assert [c.value for c in FormatChoice] == list(get_args(WorkloadFormat))
    assert set(FORMATS) == set(get_args(WorkloadFormat)) - {"auto"}


def test_a_secret_in_a_db_command_log_is_redacted(tmp_path: Path) -> None:
    # An unquoted comma pushes half of a dblink call into `calls`; the skipped row's log quotes it.
    export = tmp_path / "pgss.csv"
    export.write_text(
        "query,calls,total_exec_time\n"
        "SELECT 1,3,1.5\n"
        "SELECT dblink('select 1', 'host=db password=hunter2 dbname=x'),3,1.5\n"
    )
    result = runner.invoke(app, ["digest", str(export), "--format", "pg_stat_statements", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["unparsed_lines"] == 1
    assert "workload.unparsed_line" in result.stderr and "password=***" in result.stderr
    assert "hunter2" not in result.stderr + result.stdout


def test_digest_max_bytes_beats_the_environment_which_beats_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = FIXTURES / "mysql_slow.log"
    size = log.stat().st_size
    monkeypatch.setenv("PERFPILOT_MAX_BYTES_WORKLOAD", "10")
    refused = runner.invoke(app, ["digest", str(log)])
    assert refused.exit_code == 2 and f"{log}: " in refused.stderr and "over the 10 B limit" in refused.stderr
    assert runner.invoke(app, ["digest", str(log), "--max-bytes", str(size)]).exit_code == 0
    assert runner.invoke(app, ["digest", str(log), "--max-bytes", f"workload={size}"]).exit_code == 0
    monkeypatch.delenv("PERFPILOT_MAX_BYTES_WORKLOAD")
    below = runner.invoke(app, ["digest", str(log), "--max-bytes", f"{size - 1}"])
    assert below.exit_code == 2 and f"{size:,} B is over the {size - 1:,} B limit" in below.stderr
    assert runner.invoke(app, ["digest", str(log)]).exit_code == 0  # the 1 GiB default
    bad = runner.invoke(app, ["digest", str(log), "--max-bytes", "metrics=1MiB"])
    assert bad.exit_code == 2 and "write SIZE or workload=SIZE" in bad.stderr
