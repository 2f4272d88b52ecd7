"""On real PostgreSQL 15: a table's real write and scan counters, read live, are charged to an extra index
only over a statistics window long enough to stand for the workload; the same counters over one day and
over a year give different advice."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import make_conninfo

from perfpilot.skills.database_optimization.api import advise
from perfpilot.skills.database_optimization.catalog.models import StatsWindow
from perfpilot.skills.database_optimization.catalog.postgres import read_catalog
from perfpilot.workload.models import QueryShape

ROWS = 2_000
REWRITES = 20
SCHEMA = f"""
CREATE TABLE orders (id integer PRIMARY KEY, customer_id integer NOT NULL, status text NOT NULL);
INSERT INTO orders SELECT g, g % 400, 'paid' FROM generate_series(1, {ROWS}) g;
ANALYZE orders;
"""
LOOKUP = "SELECT * FROM orders WHERE customer_id = 42"


@pytest.fixture
def churned_dsn(hypopg_dsn: str) -> Iterator[str]:
    """A database of its own whose orders table was rewritten REWRITES times (every row updated by one
    statement each time), its statistics flushed; dropped after."""
    name = f"churn_t_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(hypopg_dsn, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    dsn = make_conninfo(hypopg_dsn, dbname=name)
    try:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("CREATE EXTENSION hypopg")
            conn.execute(SCHEMA)
            for _ in range(REWRITES):
                conn.execute("UPDATE orders SET status = 'shipped'")
            conn.execute("SELECT pg_stat_force_next_flush()")  # flushed before the reply is sent
        yield dsn
    finally:
        with psycopg.connect(hypopg_dsn, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _lookup() -> QueryShape:
    return QueryShape(id="by-customer", fingerprint=LOOKUP, example=LOOKUP, count=10, total_time_s=0.2,
                      mean_time_s=0.02, p95_time_s=0.03, max_time_s=0.05)


def test_real_counters_are_charged_over_a_year_and_not_over_a_day(churned_dsn: str) -> None:
    catalog = read_catalog(churned_dsn)
    [orders] = catalog.tables
    counted = (orders.inserts, orders.updates, orders.deletes, orders.row_count)
    assert counted == (ROWS, REWRITES * ROWS, 0, ROWS)
    scans = (orders.seq_scans or 0) + (orders.index_scans or 0)
    assert scans >= REWRITES  # each UPDATE scanned the table once
    assert catalog.stats_window is not None and catalog.stats_window.days < 30  # created seconds ago

    fresh = advise([_lookup()], catalog, dsn=churned_dsn, dialect="postgres", explain_plans=False)
    assert fresh.method == "hypopg"
    [rec] = fresh.recommendations
    assert rec.columns == ["customer_id"]
    assert rec.write_load is not None
    written = (REWRITES + 1) * ROWS
    assert rec.write_load.startswith(f"{written:,} rows written to orders (n_tup_ins + n_tup_upd")
    assert "under 30 days the counters stand for what happened lately" in rec.write_load

    def advised(window: StatsWindow) -> list[list[str]]:
        over = catalog.model_copy(update={"stats_window": window})
        advice = advise([_lookup()], over, dsn=churned_dsn, dialect="postgres", explain_plans=False)
        return [r.columns for r in advice.recommendations]

    assert advised(StatsWindow(since="2026-12-06T10:00:00+00:00", days=1.0)) == [["customer_id"]]
    # over a year the same counters say ~2,000 rows written per scan: ~20,000 rows charged at 4.0 each
    # against 10 lookups that each save a 2,000-row scan's planner cost (tens of units)
    assert advised(StatsWindow(since="2025-12-07T10:00:00+00:00", days=365.0)) == []
