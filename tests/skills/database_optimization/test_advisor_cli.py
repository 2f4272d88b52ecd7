"""`db advise` / `db explain` command functions: output, --json, refusals and clear errors (exit 2)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from perfpilot.cli.db_commands import advise_command, explain_command

app = typer.Typer()
app.command("advise")(advise_command)
app.command("explain")(explain_command)
runner = CliRunner()


@pytest.fixture(autouse=True)
def logs_on_stderr() -> None:
    """As the perfpilot app does at its edge: logs to stderr, stdout for output."""
    from perfpilot.logs import configure_logging

    configure_logging(headless=True, level="warning")


def _shop(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.executescript("CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER, status TEXT);")
    conn.executemany(
        "INSERT INTO orders (customer_id, status) VALUES (?, 'new')", [(i % 500,) for i in range(20_000)]
    )
    conn.commit()
    conn.close()
    return path


def _workload(path: Path) -> Path:
    path.write_text("".join(f"SELECT * FROM orders WHERE customer_id = {i};\n" for i in range(30)))
    return path


def test_advise_json_on_sqlite(tmp_path: Path) -> None:
    db = _shop(tmp_path / "shop.db")
    result = runner.invoke(
        app,
        ["advise", "--dsn", f"sqlite:///{db}", "--workload", str(_workload(tmp_path / "w.sql")), "--json"],
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    [rec] = payload["recommendations"]
    assert (rec["table"], rec["columns"]) == ("orders", ["customer_id"])
    assert rec["ddl"].startswith("CREATE INDEX IF NOT EXISTS") and rec["rollback"].startswith("DROP INDEX")
    assert rec["queries"][0]["count"] == 30 and 0 < rec["workload_cost_reduction"] <= 1
    assert any(f["kind"] == "plan:seq_scan_large" for f in payload["findings"])


def test_advise_text_names_ddl_and_rollback(tmp_path: Path) -> None:
    db = _shop(tmp_path / "shop.db")
    result = runner.invoke(
        app, ["advise", "--dsn", str(db), "--workload", str(_workload(tmp_path / "w.sql"))]
    )
    assert result.exit_code == 0, result.output
    assert "CREATE INDEX IF NOT EXISTS idx_orders_customer_id ON orders (customer_id);" in result.stdout
    assert "rollback: DROP INDEX IF EXISTS idx_orders_customer_id;" in result.stdout


def test_unreachable_dsn_is_a_clear_error_without_password(tmp_path: Path) -> None:
    dsn = "postgresql://app:verysecretpw@127.0.0.1:1/shop"
    result = runner.invoke(app, ["advise", "--dsn", dsn, "--workload", str(_workload(tmp_path / "w.sql"))])
    assert result.exit_code == 2
    assert "cannot connect" in result.output and "127.0.0.1" in result.output
    assert "verysecretpw" not in result.output and "Traceback" not in result.output


def test_explain_refuses_analyze_outside_a_sandbox(tmp_path: Path) -> None:
    db = _shop(tmp_path / "shop.db")
    sql = tmp_path / "q.sql"
    sql.write_text("SELECT * FROM orders WHERE customer_id = 3;")
    result = runner.invoke(app, ["explain", "--dsn", f"sqlite:///{db}", "--sql", str(sql), "--analyze"])
    assert result.exit_code == 2 and "sandbox" in result.output


def test_explain_sqlite_reports_scan(tmp_path: Path) -> None:
    db = _shop(tmp_path / "shop.db")
    sql = tmp_path / "q.sql"
    sql.write_text("SELECT * FROM orders WHERE customer_id = 3;\nSELECT * FROM orders WHERE id = 9;")
    result = runner.invoke(app, ["explain", "--dsn", f"sqlite:///{db}", "--sql", str(sql), "--json"])
    assert result.exit_code == 0, result.output
    first, second = json.loads(result.stdout)
    assert [i["kind"] for i in first["issues"]] == ["seq_scan_large"]
    assert second["issues"] == [] and second["nodes"][0]["node_type"] == "SEARCH"


def test_explain_unparsable_sql_exits_2(tmp_path: Path) -> None:
    db = _shop(tmp_path / "shop.db")
    sql = tmp_path / "bad.sql"
    sql.write_text("SELEC * FROM WHERE (;")
    result = runner.invoke(app, ["explain", "--dsn", f"sqlite:///{db}", "--sql", str(sql)])
    assert result.exit_code == 2 and "bad.sql" in result.output and "Traceback" not in result.output


def test_explain_pg_with_sandbox_flag_analyzes(pg_dsn: str, tmp_path: Path) -> None:
    sql = tmp_path / "q.sql"
    sql.write_text("SELECT count(*) FROM generate_series(1, 1000) AS g WHERE g % 7 = 0;")
    result = runner.invoke(
        app, ["explain", "--dsn", pg_dsn, "--sql", str(sql), "--analyze", "--sandbox", "--json"]
    )
    assert result.exit_code == 0, result.output
    [report] = json.loads(result.stdout)
    assert report["analyzed"] and report["nodes"][0]["actual_rows"] == 1


def test_advise_json_on_postgres(hypopg_dsn: str, tmp_path: Path) -> None:
    pg_dsn = hypopg_dsn
    from tests.fixtures.database_optimization.advisor.seed import SCHEMA, seed

    seed(pg_dsn)
    workload = tmp_path / "w.sql"
    workload.write_text(
        "".join(f"SELECT * FROM {SCHEMA}.orders WHERE customer_id = {i};\n" for i in range(40))
    )
    result = runner.invoke(app, ["advise", "--dsn", pg_dsn, "--workload", str(workload), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["method"] == "hypopg"
    [rec] = [r for r in payload["recommendations"] if r["table"] == f"{SCHEMA}.orders"]
    assert rec["columns"] == ["customer_id"] and rec["ddl"].startswith(
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS"
    )
    assert rec["queries"][0]["count"] == 40
    assert rec["queries"][0]["cost_before"] > rec["queries"][0]["cost_after"]
