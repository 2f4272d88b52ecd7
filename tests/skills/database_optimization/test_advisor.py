"""Workload index advice on real PostgreSQL 15 (HypoPG), a SQLite sandbox copy, and the heuristic."""

from __future__ import annotations

import hashlib
import math
import os
import sqlite3
from pathlib import Path

import pytest

from perfpilot.skills.database_optimization.api import Catalog, advise
from perfpilot.skills.database_optimization.catalog.postgres import read_catalog as read_pg_catalog
from perfpilot.skills.database_optimization.catalog.sqlite import read_catalog as read_sqlite_catalog
from perfpilot.skills.database_optimization.findings.hygiene import MIN_UNUSED_WINDOW_DAYS
from perfpilot.workload.models import QueryShape
from tests.fixtures.database_optimization.advisor.seed import SCHEMA, seed


def shape(shape_id: str, sql: str, count: int) -> QueryShape:
    return QueryShape(
        id=shape_id,
        fingerprint=sql,
        example=sql,
        count=count,
        total_time_s=count * 0.01,
        mean_time_s=0.01,
        p95_time_s=0.02,
        max_time_s=0.05,
    )


@pytest.fixture(scope="module")
def pg_catalog(pg_dsn: str) -> Catalog:
    seed(pg_dsn)
    return read_pg_catalog(pg_dsn, schemas=[SCHEMA])


def test_pg_recommends_the_index_a_selective_equality_needs(hypopg_dsn: str, pg_catalog: Catalog) -> None:
    pg_dsn = hypopg_dsn
    shapes = [
        shape("by-customer", f"SELECT * FROM {SCHEMA}.orders WHERE customer_id = 4242", 500),
        shape("by-email", f"SELECT id FROM {SCHEMA}.customers WHERE email = 'user7@example.com'", 50),
        shape("all-orders", f"SELECT count(*) FROM {SCHEMA}.orders", 1),
    ]
    advice = advise(shapes, pg_catalog, dsn=pg_dsn, dialect="postgres")
    assert advice.method == "hypopg" and advice.whatif_calls > 0
    by_table = {(r.table, tuple(r.columns)): r for r in advice.recommendations}
    orders = by_table[(f"{SCHEMA}.orders", ("customer_id",))]
    assert orders.method == "hypopg"
    assert orders.ddl == (
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_customer_id ON {SCHEMA}.orders (customer_id);"
    )
    assert orders.rollback == f"DROP INDEX CONCURRENTLY IF EXISTS {SCHEMA}.idx_orders_customer_id;"
    [query] = orders.queries
    assert query.shape_id == "by-customer" and query.count == 500
    assert query.cost_before > 10 * query.cost_after
    assert orders.size_mb > 0 and 0.5 < orders.workload_cost_reduction <= 1
    assert any(r.table == f"{SCHEMA}.customers" and r.columns[0] == "email" for r in advice.recommendations)
    assert advice.workload_cost_after < advice.workload_cost_before
    kinds = [f.kind for f in advice.findings]
    assert kinds[:2] == ["stale_statistics", "stale_statistics"]
    assert {"plan:seq_scan_large", "missing_index", "duplicate_index"} <= set(kinds)
    assert pg_catalog.stats_window is not None
    if pg_catalog.stats_window.days < MIN_UNUSED_WINDOW_DAYS:  # a test server started today
        assert "unused_index" not in kinds
        assert "too short to judge unused indexes" in advice.notes[0]
    assert all(f.skill == "database-optimization-analyzer" and f.layer == "database" for f in advice.findings)
    again = advise(shapes, pg_catalog, dsn=pg_dsn, dialect="postgres")
    assert [f.id for f in again.findings] == [f.id for f in advice.findings]


def test_pg_budget_limits_the_recommendations(hypopg_dsn: str, pg_catalog: Catalog) -> None:
    pg_dsn = hypopg_dsn
    shapes = [
        shape("by-customer", f"SELECT * FROM {SCHEMA}.orders WHERE customer_id = 4242", 500),
        shape("by-email", f"SELECT id FROM {SCHEMA}.customers WHERE email = 'user7@example.com'", 50),
    ]
    unlimited = advise(shapes, pg_catalog, dsn=pg_dsn, dialect="postgres", explain_plans=False)
    smallest = min(r.size_mb for r in unlimited.recommendations)
    tight = advise(
        shapes,
        pg_catalog,
        dsn=pg_dsn,
        dialect="postgres",
        storage_budget_mb=smallest * 1.01,
        explain_plans=False,
    )
    assert len(tight.recommendations) == 1 < len(unlimited.recommendations)
    assert sum(r.size_mb for r in tight.recommendations) <= smallest * 1.01


def test_pg_write_heavy_workload_pays_for_its_index(hypopg_dsn: str, pg_catalog: Catalog) -> None:
    pg_dsn = hypopg_dsn
    read = shape("rare-read", f"SELECT * FROM {SCHEMA}.orders WHERE status = 'paid' AND total = 3.5", 1)
    writes = shape("insert", f"INSERT INTO {SCHEMA}.orders VALUES (1, 1, 'new', now(), 1)", 1_000_000)
    quiet = advise([read], pg_catalog, dsn=pg_dsn, dialect="postgres", explain_plans=False)
    busy = advise([read, writes], pg_catalog, dsn=pg_dsn, dialect="postgres", explain_plans=False)
    assert quiet.recommendations and not busy.recommendations


def _sqlite_shop(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.executescript(
        """
        CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT, country TEXT);
        CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER, status TEXT, created_at TEXT);
        """
    )
    conn.executemany(
        "INSERT INTO customers (email, country) VALUES (?, ?)", [(f"u{i}@x.org", "FR") for i in range(3000)]
    )
    conn.executemany(
        "INSERT INTO orders (customer_id, status, created_at) VALUES (?, ?, ?)",
        [
            (1 + i % 3000, ("new", "paid", "shipped")[i % 3], f"2024-01-{1 + i % 28:02d}")
            for i in range(40_000)
        ],
    )
    conn.commit()
    conn.close()
    return path


def test_sqlite_sandbox_advice_leaves_the_original_byte_for_byte(tmp_path: Path) -> None:
    db = _sqlite_shop(tmp_path / "shop.db")
    digest = hashlib.sha256(db.read_bytes()).hexdigest()
    catalog = read_sqlite_catalog(db)
    shapes = [
        shape("recent", "SELECT * FROM orders WHERE customer_id = ? ORDER BY created_at", 300),
        shape("login", "SELECT id FROM customers WHERE email = 'u5@x.org'", 2000),
    ]
    advice = advise(shapes, catalog, dsn=f"sqlite:///{db}", dialect="sqlite")
    assert hashlib.sha256(db.read_bytes()).hexdigest() == digest
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shop.db"]
    assert advice.method == "sqlite_sandbox"
    columns = {(r.table, r.columns[0]) for r in advice.recommendations}
    assert ("orders", "customer_id") in columns and ("customers", "email") in columns
    orders = next(r for r in advice.recommendations if r.table == "orders")
    assert orders.ddl.startswith("CREATE INDEX IF NOT EXISTS idx_orders_customer_id")
    assert orders.rollback.startswith("DROP INDEX IF EXISTS idx_orders_customer_id")
    assert all(q.cost_before > q.cost_after for q in orders.queries)
    assert any(f.kind == "plan:seq_scan_large" for f in advice.findings)


def test_ddl_only_catalog_falls_back_to_the_heuristic(tmp_path: Path) -> None:
    catalog = read_sqlite_catalog(_sqlite_shop(tmp_path / "shop.db"))
    shapes = [shape("recent", "SELECT * FROM orders WHERE customer_id = 17", 300)]
    advice = advise(shapes, catalog, dsn=None, dialect="sqlite")
    assert advice.method == "heuristic" and advice.whatif_calls > 0
    [rec] = advice.recommendations
    assert (rec.table, rec.columns, rec.method) == ("orders", ["customer_id"], "heuristic")
    # The heuristic keeps 1/10 of the rows per unknown equality (n_distinct unknown on SQLite), x2 lookups.
    assert rec.queries[0].cost_before == 40_000 and rec.queries[0].cost_after == pytest.approx(
        2 * 40_000 * 0.1 + math.log2(40_001)
    )


def test_pg_without_hypopg_falls_back_to_the_heuristic(pg_dsn: str) -> None:
    import psycopg

    plain_db = "perfpilot_advisor_nohypo"
    with psycopg.connect(pg_dsn, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (plain_db,)).fetchone():
            conn.execute(f"CREATE DATABASE {plain_db}")
    dsn = pg_dsn.rsplit("/", 1)[0] + "/" + plain_db
    schema = f"nohypo_{os.getpid()}"  # concurrent test runs on one server do not share it
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        conn.execute(f"CREATE SCHEMA {schema}")
        conn.execute(f"CREATE TABLE {schema}.items (id int, sku text)")
        conn.execute(f"INSERT INTO {schema}.items SELECT g, 'sku' || g FROM generate_series(1, 20000) g")
        conn.execute(f"ANALYZE {schema}.items")
    catalog = read_pg_catalog(dsn, schemas=[schema])
    advice = advise(
        [shape("sku", f"SELECT * FROM {schema}.items WHERE sku = 'sku42'", 10)],
        catalog,
        dsn=dsn,
        dialect="postgres",
    )
    assert advice.method == "heuristic"
    assert any("hypopg extension is not installed" in note for note in advice.notes)
    assert [(r.table, r.columns) for r in advice.recommendations] == [(f"{schema}.items", ["sku"])]
    assert any(f.kind == "plan:seq_scan_large" and f.subject == "sku:items" for f in advice.findings)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


def test_pg_verifies_an_expression_index_with_hypopg(hypopg_dsn: str, pg_catalog: Catalog) -> None:
    sql = f"SELECT id FROM {SCHEMA}.customers WHERE lower(email) = 'user7@example.com'"
    shapes = [shape("by-lower-email", sql, 300)]
    advice = advise(shapes, pg_catalog, dsn=hypopg_dsn, dialect="postgres", explain_plans=False)
    [rec] = advice.recommendations
    assert (rec.method, rec.columns) == ("hypopg", ["lower(email)"])
    # the plain expression index, or its covering form (INCLUDE email, id) when the planner prices an
    # index-only scan lower: which one depends on HypoPG's size and cost estimates, both are right
    assert rec.ddl.startswith("CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_customers_lower_email")
    assert f" ON {SCHEMA}.customers (lower(email))" in rec.ddl
    [query] = rec.queries  # listed only when the plan uses the hypothetical index
    # HypoPG has no statistics for the expression (0.5% of rows assumed), so the saving is smaller
    # than an ANALYZEd index would show, but still more than half of the scan.
    assert query.cost_after < query.cost_before / 2
