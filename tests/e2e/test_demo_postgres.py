"""`make demo DB=postgres` in short form: the shop on PostgreSQL, real k6, a sandbox database with
HypoPG-checked indexes, measured validation, the original checksummed unchanged and the sandbox dropped."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo

ROOT = Path(__file__).resolve().parents[2]
DATABASE = "pg_loop_e2e_shop"  # kept between runs (stamped, rebuilt only when the generator changes)
LOAD_TEST_S = "15"  # per run: enough requests for the N+1 endpoint's p95, short for CI


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, hypopg_dsn: str, k6_binary: str) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("demo-pg")
    fields = conninfo_to_dict(hypopg_dsn)
    password = str(fields.pop("password", "") or "")
    dsn = make_conninfo("", **{**{k: v for k, v in fields.items() if v is not None}, "dbname": DATABASE})
    port = _free_port()
    env = {**os.environ, "PGPASSWORD": password}  # the password stays off the command lines
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "perfpilot.cli.demo",
            "--db",
            "postgres",
            "--dsn",
            dsn,
            "--port",
            str(port),
            "--duration",
            LOAD_TEST_S,
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    report: dict[str, Any] = json.loads((out / "report.json").read_text())
    report["_stdout"], report["_port"], report["_out"] = result.stdout, port, out
    return report


def test_the_original_is_unchanged_and_the_sandbox_dropped(demo: dict[str, Any]) -> None:
    assert "demo: original database unchanged (catalog sha256" in demo["_stdout"]
    assert "demo: sandbox databases left: none (dropped)" in demo["_stdout"]
    assert not list((ROOT / "examples" / "shop").glob(".demo-target-*.yaml"))


def test_the_service_is_stopped_afterwards(demo: dict[str, Any]) -> None:
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", demo["_port"])) != 0


def test_indexes_were_checked_with_hypopg_and_applied_in_a_sandbox_database(demo: dict[str, Any]) -> None:
    assert demo["decision_path"][:5] == ["profiling", "analysis", "optimization", "apply", "validation"]
    applied = [a for a in demo["applied"] if "service toggle" not in a]  # --cache-related: a restart
    assert applied and all(
        f"sandbox database {DATABASE}_sbx_" in a and "(template copy)" in a for a in applied
    )
    content = {c["id"]: c["content"] for c in demo["plan"]["changes"]}
    kinds = {a: content[a.split(" ", 1)[0]].split(" ", 1)[0] for a in applied}
    # indexes, and (where autovacuum has not got to them yet) statistics of never-analysed tables
    assert "CREATE" in kinds.values() and set(kinds.values()) <= {"CREATE", "ANALYZE"}
    indexes = [a for a, kind in kinds.items() if kind == "CREATE"]
    assert all("HypoPG: used in" in a and "real plan uses" in a for a in indexes)
    assert not any("HypoPG" in a for a, kind in kinds.items() if kind == "ANALYZE")
    [record_file] = (demo["_out"] / "work" / "live").glob("*/pg-apply.json")
    record = json.loads(record_file.read_text())
    assert record["method"] == "template" and record["plans"]
    items = next(
        p for p in record["plans"] if p["statement"].startswith("SELECT product_id, quantity, price")
    )
    assert items["after_buffers"] < items["before_buffers"]  # EXPLAIN (ANALYZE, BUFFERS) on the sandbox


def test_measured_improvement_and_postgres_evidence(demo: dict[str, Any]) -> None:
    validation = demo["validation"]
    assert validation["method"] == "measured"
    rows = {e["name"]: e for e in validation["endpoints"]}
    n_plus_one = rows["customer_orders_with_items"]
    assert n_plus_one["p95_ms_after"] < n_plus_one["p95_ms_before"], n_plus_one
    [before] = [n for n in demo["inventory"]["notes"] if "(pg_stat_statements)" in n]
    [after] = [n for n in validation["notes"] if "(pg_stat_statements)" in n]
    assert before.startswith(f"PostgreSQL ({DATABASE}), before-baseline-1+2: ")
    assert after.startswith(f"PostgreSQL ({DATABASE}_sbx_") and "after-baseline-1" in after
    assert all("% of request time; seq scans" in n and "lock waits " in n for n in (before, after))
    assert all(s["status"] == "ok" for s in demo["steps"])  # the evidence fits the step budgets
