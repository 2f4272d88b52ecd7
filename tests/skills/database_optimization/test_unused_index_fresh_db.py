"""On real PostgreSQL 15: `db advise` on a database created seconds ago recommends no index drop, and says
its statistics window is too short to judge unused indexes."""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import typer
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from typer.testing import CliRunner

from perfpilot.cli.db_commands import advise_command
from perfpilot.skills.database_optimization.catalog.postgres import read_catalog

app = typer.Typer()
app.command("advise")(advise_command)
app.command("noop")(lambda: None)  # two commands, so the runner keeps `advise` as a subcommand

SCHEMA = """
CREATE TABLE orders (id integer PRIMARY KEY, customer_id integer NOT NULL, status text NOT NULL);
INSERT INTO orders SELECT g, g % 500, CASE WHEN g % 9 = 0 THEN 'refunded' ELSE 'paid' END
  FROM generate_series(1, 20000) g;
CREATE INDEX orders_status_idx ON orders (status);
CREATE INDEX orders_status_customer_idx ON orders (status, customer_id);
ANALYZE orders;
"""


@pytest.fixture(autouse=True)
def logs_on_stderr() -> None:
    """As the perfpilot app does at its edge: logs to stderr, stdout for output."""
    from perfpilot.logs import configure_logging

    configure_logging(headless=True, level="warning")


@pytest.fixture
def fresh_dsn(hypopg_dsn: str) -> Iterator[str]:
    """A database created now (HypoPG installed), read a few times; dropped after."""
    name = f"fresh_stats_t_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(hypopg_dsn, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    dsn = make_conninfo(hypopg_dsn, dbname=name)
    try:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("CREATE EXTENSION hypopg")
            conn.execute(SCHEMA)
            for _ in range(3):
                conn.execute("SELECT * FROM orders WHERE id = 7").fetchone()
                conn.execute("SELECT sum(id) FROM orders").fetchone()
        yield dsn
    finally:
        with psycopg.connect(hypopg_dsn, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def test_a_fresh_database_gets_no_drop_recommendation(fresh_dsn: str, tmp_path: Path) -> None:
    catalog = read_catalog(fresh_dsn)
    window = catalog.stats_window
    assert window is not None and window.days < 1
    [orders] = catalog.tables
    assert (orders.seq_scans or 0) + (orders.index_scans or 0) >= 3  # the table was read
    scans = {i.name: i.scans for i in orders.indexes}
    assert scans["orders_status_idx"] == scans["orders_status_customer_idx"] == 0

    workload = tmp_path / "w.sql"
    workload.write_text("".join(f"SELECT * FROM orders WHERE customer_id = {i};\n" for i in range(20)))
    params = conninfo_to_dict(fresh_dsn)
    url = (
        f"postgresql://{params['user']}:{params['password']}@{params['host']}:{params.get('port', 5432)}"
        f"/{params['dbname']}"
    )
    result = CliRunner().invoke(app, ["advise", "--dsn", url, "--workload", str(workload), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    kinds = {f["kind"] for f in payload["findings"]}
    assert "unused_index" not in kinds
    assert "duplicate_index" in kinds  # structural: orders_status_idx is a prefix of the composite one
    [note] = [n for n in payload["notes"] if "unused indexes" in n]
    assert "too short to judge unused indexes (at least 30 days needed)" in note
    assert "1 index(es) with idx_scan = 0 not judged" in note  # the composite one; the prefix is a duplicate
