"""Live catalogs (PostgreSQL 15, SQLite) and the statistics / index hygiene findings over them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from perfpilot.skills.database_optimization.api import Catalog, open_postgres_readonly
from perfpilot.skills.database_optimization.catalog.postgres import read_catalog as read_pg_catalog
from perfpilot.skills.database_optimization.catalog.sqlite import read_catalog as read_sqlite_catalog
from perfpilot.skills.database_optimization.findings.hygiene import (
    MIN_UNUSED_WINDOW_DAYS,
    index_hygiene_findings,
    stale_statistics_findings,
)
from tests.fixtures.database_optimization.advisor.seed import SCHEMA, seed


@pytest.fixture(scope="module")
def pg_catalog(pg_dsn: str) -> Catalog:
    seed(pg_dsn)
    return read_pg_catalog(pg_dsn, schemas=[SCHEMA])


def test_pg_catalog_tables_columns_and_statistics(pg_catalog: Catalog) -> None:
    assert pg_catalog.dialect == "postgres"
    assert pg_catalog.source == "postgresql:127.0.0.1/perfpilot_test"
    assert {t.name for t in pg_catalog.tables} == {"customers", "orders", "events", "churn", "never_analyzed"}
    orders = pg_catalog.table("orders")
    assert orders is not None and orders.schema_name == SCHEMA
    assert orders.row_count == 120_000
    assert orders.inserts == 120_000 and orders.modified_since_analyze == 0 and orders.last_analyze
    assert [c.name for c in orders.columns] == ["id", "customer_id", "status", "created_at", "total"]
    status = orders.column("status")
    assert status is not None and status.n_distinct == 4 and not status.nullable
    churn = pg_catalog.table("churn")
    assert churn is not None and churn.updates == 2000 and churn.modified_since_analyze == 2000


def test_pg_catalog_indexes_with_include_columns_and_scans(pg_catalog: Catalog) -> None:
    events = pg_catalog.table("events")
    assert events is not None
    by_name = {i.name: i for i in events.indexes}
    assert set(by_name) == {
        "events_id_key",
        "events_account_idx",
        "events_account_kind_idx",
        "events_kind_idx",
        "events_kind_dup_idx",
    }
    covering = by_name["events_account_kind_idx"]
    assert covering.columns == ["account_id", "kind"] and covering.include == ["payload"]
    assert by_name["events_id_key"].unique and not by_name["events_kind_idx"].unique
    assert all(i.scans == 0 and (i.size_bytes or 0) > 0 for i in events.indexes)


def test_stale_statistics_come_with_evidence(pg_catalog: Catalog) -> None:
    findings = stale_statistics_findings(pg_catalog)
    subjects = {f.subject: f for f in findings}
    assert set(subjects) == {f"{SCHEMA}.churn", f"{SCHEMA}.never_analyzed"}
    churn = subjects[f"{SCHEMA}.churn"]
    assert churn.kind == "stale_statistics" and churn.layer == "database"
    assert churn.evidence[0].values == {"rows": 5000.0, "modified_since_analyze": 2000.0}
    assert churn.remediation is not None and churn.remediation.content == f"ANALYZE {SCHEMA}.churn;"
    assert "never been analyzed" in subjects[f"{SCHEMA}.never_analyzed"].root_cause
    assert [f.id for f in stale_statistics_findings(pg_catalog)] == [f.id for f in findings]


def test_unused_and_redundant_indexes_with_drop_and_rollback(pg_dsn: str, pg_catalog: Catalog) -> None:
    with open_postgres_readonly(pg_dsn) as conn:
        hygiene = index_hygiene_findings(conn, pg_catalog)
    findings = hygiene.findings
    kinds = {(f.kind, f.subject.rsplit(".", 1)[-1]) for f in findings}
    assert ("duplicate_index", "events_account_idx") in kinds
    assert ("duplicate_index", "events_kind_idx") in kinds or (
        "duplicate_index",
        "events_kind_dup_idx",
    ) in kinds
    window = pg_catalog.stats_window
    assert window is not None and window.days >= 0
    if window.days < MIN_UNUSED_WINDOW_DAYS:  # a test server started today: too short to judge
        assert not any(kind == "unused_index" for kind, _ in kinds)
        assert "too short to judge unused indexes" in hygiene.notes[0]
    else:
        assert ("unused_index", "events_account_kind_idx") in kinds
    assert not any(name == "events_id_key" for _, name in kinds)
    prefix = next(f for f in findings if f.subject.endswith("events_account_idx"))
    assert prefix.remediation is not None
    assert prefix.remediation.content == f"DROP INDEX CONCURRENTLY IF EXISTS {SCHEMA}.events_account_idx;"
    assert prefix.remediation.rollback == (
        f"CREATE INDEX CONCURRENTLY events_account_idx ON {SCHEMA}.events USING btree (account_id);"
    )


def test_sqlite_catalog_reads_pragmas_and_counts(tmp_path: Path) -> None:
    db = tmp_path / "shop.db"
    conn = sqlite3.connect(db)
    conn.executescript(
        """
        CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE);
        CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER, status TEXT);
        CREATE INDEX orders_customer_status ON orders (customer_id, status);
        """
    )
    conn.executemany(
        "INSERT INTO orders (customer_id, status) VALUES (?, 'new')", [(i % 10,) for i in range(250)]
    )
    conn.commit()
    conn.close()
    catalog = read_sqlite_catalog(db)
    orders = catalog.table("orders")
    customers = catalog.table("customers")
    assert orders is not None and customers is not None
    assert orders.row_count == 250 and customers.row_count == 0
    assert [c.name for c in orders.columns] == ["id", "customer_id", "status"]
    assert {tuple(i.columns) for i in orders.indexes} == {("id",), ("customer_id", "status")}
    assert any(i.unique and i.columns == ["email"] for i in customers.indexes)
    assert ("customer_id", "status") in orders.leading_index_columns()
