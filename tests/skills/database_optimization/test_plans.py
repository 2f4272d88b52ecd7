"""EXPLAIN summaries on real PostgreSQL 15 and SQLite: nodes, cost, and the issues they raise."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from perfpilot.skills.database_optimization.api import (
    Catalog,
    explain_sqlite,
    open_postgres_readonly,
    open_sqlite_readonly,
)
from perfpilot.skills.database_optimization.catalog.postgres import read_catalog as read_pg_catalog
from perfpilot.skills.database_optimization.catalog.sqlite import read_catalog as read_sqlite_catalog
from perfpilot.skills.database_optimization.plans.postgres import explain_postgres, substitute_parameters
from tests.fixtures.database_optimization.advisor.seed import SCHEMA, seed


@pytest.fixture(scope="module")
def pg_catalog(pg_dsn: str) -> Catalog:
    seed(pg_dsn)
    return read_pg_catalog(pg_dsn, schemas=[SCHEMA])


def test_substitute_parameters_leaves_quoted_text_alone() -> None:
    assert substitute_parameters("SELECT * FROM t WHERE a = $1 AND b = ? AND c = '?'") == (
        "SELECT * FROM t WHERE a = 1 AND b = 1 AND c = '?'"
    )
    assert substitute_parameters("SELECT 1 FROM t WHERE n LIKE '%son%' AND id = %s AND k = $12") == (
        "SELECT 1 FROM t WHERE n LIKE '%son%' AND id = 1 AND k = 1"
    )


def test_pg_sequential_scan_of_large_table(pg_dsn: str, pg_catalog: Catalog) -> None:
    with open_postgres_readonly(pg_dsn) as conn:
        report = explain_postgres(
            conn, f"SELECT * FROM {SCHEMA}.orders WHERE customer_id = $1", catalog=pg_catalog
        )
    assert report.total_cost > 0 and not report.analyzed
    assert any(n.node_type == "Seq Scan" and n.relation == "orders" for n in report.nodes)
    scans = [i for i in report.issues if i.kind == "seq_scan_large"]
    assert [(i.relation, i.rows) for i in scans] == [("orders", 120_000)]


def test_pg_small_table_scan_is_not_an_issue(pg_dsn: str, pg_catalog: Catalog) -> None:
    with open_postgres_readonly(pg_dsn) as conn:
        report = explain_postgres(conn, f"SELECT * FROM {SCHEMA}.churn WHERE id = 3", catalog=pg_catalog)
    assert report.issues == []


def test_pg_estimated_sort_larger_than_work_mem(pg_dsn: str, pg_catalog: Catalog) -> None:
    query = (
        f"SELECT o.*, c.* FROM {SCHEMA}.orders o JOIN {SCHEMA}.customers c ON c.id = o.customer_id "
        "ORDER BY o.total"
    )
    with open_postgres_readonly(pg_dsn) as conn:
        work_mem = conn.execute(
            "SELECT setting::bigint * 1024 FROM pg_settings WHERE name = 'work_mem'"
        ).fetchone()
        report = explain_postgres(conn, query, catalog=pg_catalog)
    sort = next(n for n in report.nodes if n.node_type == "Sort")
    spills = [i for i in report.issues if i.kind == "sort_spill"]
    assert bool(spills) == (sort.rows * sort.width > work_mem[0])


def test_pg_analyze_reports_actual_spill_and_misestimate(pg_dsn: str, pg_catalog: Catalog) -> None:
    # The seeded schema is a throwaway fixture, so EXPLAIN ANALYZE is allowed here (a sandbox).
    with open_postgres_readonly(pg_dsn) as conn:
        spill = explain_postgres(
            conn,
            f"SELECT o.*, c.* FROM {SCHEMA}.orders o JOIN {SCHEMA}.customers c ON c.id = o.customer_id "
            "ORDER BY o.total",
            catalog=pg_catalog,
            analyze=True,
        )
        wrong = explain_postgres(
            conn, f"SELECT * FROM {SCHEMA}.never_analyzed WHERE id > 2999", catalog=pg_catalog, analyze=True
        )
    assert spill.analyzed
    assert any(i.kind == "sort_spill" and "external" in i.message for i in spill.issues)
    misestimates = [i for i in wrong.issues if i.kind == "misestimate"]
    assert misestimates and misestimates[0].relation == "never_analyzed" and misestimates[0].rows == 1


def _sqlite_shop(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.executescript(
        """
        CREATE TABLE customers (id INTEGER PRIMARY KEY, country TEXT);
        CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER, status TEXT, total REAL);
        """
    )
    conn.executemany(
        "INSERT INTO customers (country) VALUES (?)", [("FR" if i % 3 else "DE",) for i in range(2000)]
    )
    conn.executemany(
        "INSERT INTO orders (customer_id, status, total) VALUES (?, ?, ?)",
        [(1 + i % 2000, ("new", "paid")[i % 2], i / 10) for i in range(30_000)],
    )
    conn.commit()
    conn.close()
    return path


def test_sqlite_scan_becomes_search_with_an_index(tmp_path: Path) -> None:
    db = _sqlite_shop(tmp_path / "shop.db")
    catalog = read_sqlite_catalog(db)
    query = "SELECT * FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.customer_id = ?"
    conn = open_sqlite_readonly(db)
    before = explain_sqlite(conn, query, catalog=catalog)
    conn.close()
    assert sorted((n.node_type, n.relation) for n in before.nodes) == [
        ("SCAN", "orders"),
        ("SEARCH", "customers"),
    ]
    assert [(i.kind, i.relation, i.rows) for i in before.issues] == [("seq_scan_large", "orders", 30_000)]
    writable = sqlite3.connect(db)
    writable.execute("CREATE INDEX orders_customer ON orders (customer_id)")
    writable.execute("ANALYZE")
    after = explain_sqlite(writable, query, catalog=catalog)
    writable.close()
    assert ("SEARCH", "orders", "orders_customer") in [
        (n.node_type, n.relation, n.index) for n in after.nodes
    ]
    assert after.issues == []
    assert after.total_cost < before.total_cost / 100


def test_nested_loop_over_many_rows_from_a_recorded_plan() -> None:
    from perfpilot.skills.database_optimization.plans.postgres import summarise_postgres_plan

    plan = {
        "Node Type": "Nested Loop",
        "Total Cost": 90_000.0,
        "Plan Rows": 50_000,
        "Plan Width": 40,
        "Plans": [
            {"Node Type": "Seq Scan", "Relation Name": "orders", "Plan Rows": 50_000, "Plan Width": 20},
            {
                "Node Type": "Index Scan",
                "Relation Name": "customers",
                "Index Name": "customers_pkey",
                "Plan Rows": 1,
            },
        ],
    }
    report = summarise_postgres_plan(plan, "SELECT ...")
    assert [(n.node_type, n.depth) for n in report.nodes] == [
        ("Nested Loop", 0),
        ("Seq Scan", 1),
        ("Index Scan", 1),
    ]
    assert [(i.kind, i.rows) for i in report.issues] == [
        ("nested_loop_many", 50_000),
        ("seq_scan_large", 50_000),
    ]
