"""Read-only connections: redaction, DSN parsing, the SQLite authorizer, PostgreSQL READ ONLY sessions."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import psycopg
import pytest

from perfpilot.skills.database_optimization.access.connect import (
    DatabaseUnavailable,
    ReadOnlyViolation,
    open_postgres_readonly,
    open_sqlite_readonly,
    parse_dsn,
    redact_dsn,
)
from tests.fixtures.database_optimization.advisor.seed import SCHEMA, seed


def test_redact_dsn_hides_passwords_in_every_form() -> None:
    assert (
        redact_dsn("postgresql://app:s3cret@db.internal:5432/shop")
        == "postgresql://app:***@db.internal:5432/shop"
    )
    assert "s3cret" not in redact_dsn("host=db user=app password=s3cret dbname=shop")
    assert "s3cret" not in redact_dsn("postgresql://db/shop?user=app&password=s3cret")
    assert redact_dsn("postgresql://app@db/shop") == "postgresql://app@db/shop"


def test_parse_dsn_dialects(tmp_path: Path) -> None:
    assert parse_dsn("sqlite:///tmp/x.db").path == Path("/tmp/x.db")
    assert parse_dsn("sqlite:///tmp/x.db").dialect == "sqlite"
    pg = parse_dsn("postgresql://app:pw@db.internal:6543/shop")
    assert (pg.dialect, pg.host, pg.port, pg.database) == ("postgres", "db.internal", 6543, "shop")
    assert pg.label == "postgresql:db.internal/shop"
    with pytest.raises(ValueError, match="unrecognised DSN"):
        parse_dsn("mongodb://u:topsecret@h/db")
    with pytest.raises(ValueError) as info:
        parse_dsn("mongodb://u:topsecret@h/db")
    assert "topsecret" not in str(info.value)


def _sqlite_db(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.executescript(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t (v) VALUES ('a'), ('b');"
    )
    conn.commit()
    conn.close()
    return path


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO t (v) VALUES ('c')",
        "UPDATE t SET v = 'z'",
        "DELETE FROM t",
        "CREATE TABLE u (x)",
        "CREATE INDEX ix ON t (v)",
        "DROP TABLE t",
        "ATTACH DATABASE ':memory:' AS other",
        "VACUUM",
        "PRAGMA user_version = 7",
        "ANALYZE",
    ],
)
def test_sqlite_readonly_refuses_every_write(tmp_path: Path, statement: str) -> None:
    db = _sqlite_db(tmp_path / "app.db")
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    conn = open_sqlite_readonly(db)
    with pytest.raises(sqlite3.DatabaseError):
        conn.execute(statement)
    assert conn.execute("SELECT count(*) FROM t").fetchone() == (2,)
    assert conn.execute("PRAGMA table_info(t)").fetchall()
    assert conn.execute("EXPLAIN QUERY PLAN SELECT * FROM t WHERE v = 'a'").fetchall()
    conn.close()
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_sqlite_missing_file_is_unavailable(tmp_path: Path) -> None:
    with pytest.raises(DatabaseUnavailable, match="does not exist"):
        open_sqlite_readonly(tmp_path / "missing.db")


def test_unreachable_postgres_names_host_without_password() -> None:
    dsn = "postgresql://app:hunter2secret@127.0.0.1:1/shop"
    with pytest.raises(DatabaseUnavailable) as info:
        open_postgres_readonly(dsn, connect_timeout_s=2)
    message = str(info.value)
    assert "127.0.0.1" in message and "shop" in message
    assert "hunter2secret" not in message


def _write_counters(dsn: str) -> list[tuple[object, ...]]:
    """Per table: write counters, live tuples and an exact row count."""
    with psycopg.connect(dsn) as conn:
        conn.execute("SELECT pg_stat_clear_snapshot()")
        rows = conn.execute(
            "SELECT relname, n_tup_ins, n_tup_upd, n_tup_del, n_live_tup FROM pg_stat_user_tables "
            "WHERE schemaname = %s ORDER BY relname",
            (SCHEMA,),
        ).fetchall()
        counted = [conn.execute(f"SELECT count(*) FROM {SCHEMA}.{row[0]}").fetchone() for row in rows]
        return [(*row, *count) for row, count in zip(rows, counted, strict=True)]


def test_writer_role_writes_nothing_through_the_advisor(pg_dsn: str) -> None:
    from perfpilot.skills.database_optimization.api import advise, explain_postgres
    from perfpilot.skills.database_optimization.catalog.postgres import read_catalog
    from perfpilot.workload.models import QueryShape

    seed(pg_dsn)
    before = _write_counters(pg_dsn)
    catalog = read_catalog(pg_dsn, schemas=[SCHEMA])
    shape = QueryShape(
        id="s1",
        fingerprint="select * from orders where customer_id = ?",
        example=f"SELECT * FROM {SCHEMA}.orders WHERE customer_id = 42",
        count=100,
        total_time_s=1,
        mean_time_s=0.01,
        p95_time_s=0.02,
        max_time_s=0.05,
    )
    advice = advise([shape], catalog, dsn=pg_dsn, dialect="postgres")
    assert advice.recommendations
    with open_postgres_readonly(pg_dsn) as conn:
        explain_postgres(conn, shape.example, catalog=catalog)
        for statement in (
            f"INSERT INTO {SCHEMA}.churn VALUES (0, 0)",
            f"CREATE INDEX ON {SCHEMA}.orders (customer_id)",
            "BEGIN READ WRITE",
            "SET default_transaction_read_only = off",
            "SELECT set_config('default_transaction_read_only', 'off', false)",
        ):
            with pytest.raises(ReadOnlyViolation):
                conn.execute(statement)
        # What the guard lets through, the server refuses: a data-modifying CTE, a smuggled statement.
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            conn.execute(f"WITH gone AS (DELETE FROM {SCHEMA}.churn RETURNING id) SELECT count(*) FROM gone")
        with pytest.raises(psycopg.errors.SyntaxError):
            conn.execute(f"SELECT 1; DELETE FROM {SCHEMA}.churn")
    with psycopg.connect(pg_dsn, autocommit=True) as conn:
        conn.execute("SELECT pg_stat_force_next_flush()")
        real_indexes = conn.execute(
            "SELECT count(*) FROM pg_indexes WHERE schemaname = %s AND tablename = 'orders'", (SCHEMA,)
        ).fetchone()
    assert real_indexes == (0,)
    assert _write_counters(pg_dsn) == before
