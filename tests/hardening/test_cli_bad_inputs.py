"""The CLI entry points (validate, run --strict, db digest, db advise) over bad inputs: exit 2 with a
message naming the file, no traceback, within 60 s and a memory cap."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.hardening.cli_bounds import Outcome, perfpilot
from tests.hardening.test_special_files import BILLION_LAUGHS

ROOT = Path(__file__).resolve().parents[2]


def assert_refused(outcome: Outcome, *names: str) -> None:
    assert outcome.code == 2, outcome.stderr
    assert "Traceback" not in outcome.stderr + outcome.stdout
    for name in names:
        assert name in outcome.stderr


def test_validate_names_every_special_file(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "traces.json")
    (tmp_path / "docker").mkdir()
    (tmp_path / "k6.json").write_bytes(b"\xff\xfe{\x00")
    (tmp_path / "inventory.json").write_text("[" * 10_000 + "]" * 10_000)
    (tmp_path / "k8s.yaml").write_text(BILLION_LAUGHS)
    (tmp_path / "target.yaml").write_text(
        "name: bad\nevidence:\n  traces: [traces.json]\n  metrics: [{path: /dev/zero}]\n"
        "  containers: [docker]\n  load_tests: [k6.json]\n"
        "  infrastructure: {inventory: inventory.json, kubernetes: [k8s.yaml]}\n"
    )
    outcome = perfpilot("validate", "target.yaml", cwd=tmp_path)
    assert_refused(
        outcome, "traces.json: a FIFO", "/dev/zero", "docker: a directory", "k6.json:1: not valid JSON"
    )
    assert "inventory.json: nested 10000 levels deep" in outcome.stderr
    assert "k8s.yaml: YAML aliases expand past" in outcome.stderr


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("bomb.yaml", BILLION_LAUGHS.encode(), "refusing to expand"),
        ("latin.yaml", "name: caf\xe9\n".encode("latin-1"), "not UTF-8 text"),
        ("deep.yaml", b"name: x\nevidence: " + b"[" * 5000, "nested 5000 levels deep"),
    ],
)
def test_validate_refuses_a_bad_target(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    (tmp_path / name).write_bytes(data)
    assert_refused(perfpilot("validate", name, cwd=tmp_path), name, message)


def test_run_strict_refuses_junk_sources(tmp_path: Path) -> None:
    (tmp_path / "queries.jsonl").write_text("# not a query\n" * 50)
    (tmp_path / "target.yaml").write_text(
        "name: junk\nevidence:\n  workload: [{path: queries.jsonl, format: jsonl}]\n"
    )
    outcome = perfpilot("run", "target.yaml", "--strict", "--out", "out", "--headless", cwd=tmp_path)
    assert_refused(outcome, "queries.jsonl: nothing usable found in it")


@pytest.mark.parametrize("kind", ["fifo", "device", "directory", "deep_jsonl", "over_cap"])
def test_db_digest_refuses_special_and_hostile_files(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "workload.log"
    env: dict[str, str] = {}
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "device":
        path = Path("/dev/zero")
    elif kind == "directory":
        path = tmp_path
    elif kind == "deep_jsonl":
        path.write_text('{"query": "SELECT 1", "x": ' + "[" * 20_000 + "]" * 20_000 + "}\n")
    else:
        path.write_text("SELECT 1;\n" * 1000)
        env = {"PERFPILOT_MAX_BYTES_WORKLOAD": "1KiB"}
    outcome = perfpilot(
        "db",
        "digest",
        str(path),
        *(["--format", "jsonl"] if kind == "deep_jsonl" else []),
        cwd=tmp_path,
        env=env,
    )
    assert outcome.code in (0, 2) and "Traceback" not in outcome.stderr
    if kind != "deep_jsonl":
        assert_refused(outcome, str(path))


def test_db_advise_with_ddl_and_deep_sql_in_the_workload(tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "orders.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, status TEXT NOT NULL)")
        conn.executemany("INSERT INTO orders (status) VALUES (?)", [("paid",), ("new",)] * 500)
    workload = tmp_path / "queries.sql"
    workload.write_text(
        "CREATE INDEX idx_x ON orders (status);\n"
        "SELECT * FROM orders WHERE id IN " + "(" * 300 + "1" + ")" * 300 + ";\n"
        "SELECT * FROM orders WHERE status = 'paid';\n"
    )
    outcome = perfpilot(
        "db", "advise", "--dsn", f"sqlite:///{db}", "--workload", str(workload), cwd=tmp_path
    )
    assert outcome.code in (0, 2) and "Traceback" not in outcome.stderr + outcome.stdout
