"""Live pg_stat_statements from the real PostgreSQL (pg_dsn fixture), read-only with a statement timeout."""

from __future__ import annotations

import uuid

import pytest

from perfpilot.workload.digest import digest_events
from perfpilot.workload.errors import WorkloadError
from perfpilot.workload.formats.pg_stat_statements import iter_pg_stat_statements

pytestmark = pytest.mark.postgres


def test_live_rows_include_the_queries_just_run(pg_dsn: str) -> None:
    import psycopg

    table = f"workload_pgss_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(pg_dsn, autocommit=True) as conn:
        conn.execute(f"CREATE TABLE {table} (id int PRIMARY KEY, name text)")
        try:
            conn.execute(f"INSERT INTO {table} SELECT g, 'n' || g FROM generate_series(1, 50) g")
            for key in range(7):
                conn.execute(f"SELECT name FROM {table} WHERE id = %s", (key,))
            events = [e for e in iter_pg_stat_statements(pg_dsn) if table in e.sql]
        finally:
            conn.execute(f"DROP TABLE {table}")
    lookups = [e for e in events if e.sql.startswith("SELECT name")]
    assert len(lookups) == 1
    assert lookups[0].count == 7
    assert lookups[0].duration_s is not None and lookups[0].duration_s >= 0
    assert lookups[0].database == "perfpilot_test"
    digest = digest_events(events, "live", "pg_stat_statements")
    shape = next(q for q in digest.queries if q.fingerprint.startswith("select name"))
    assert shape.fingerprint == f"select name from {table} where id = ?"
    assert shape.count == 7 and shape.tables == [table]


def test_live_read_is_a_read_only_transaction(pg_dsn: str) -> None:
    # Reading inside the generator happens in the transaction it opened: its setting must be read only.
    import psycopg

    rows = iter_pg_stat_statements(pg_dsn)
    next(rows, None)
    frame = rows.gi_frame
    assert frame is not None
    conn = frame.f_locals["conn"]
    assert isinstance(conn, psycopg.Connection)
    assert conn.execute("SHOW transaction_read_only").fetchone() == {"transaction_read_only": "on"}
    assert conn.execute("SHOW statement_timeout").fetchone() == {"statement_timeout": "5s"}
    rows.close()


def test_bad_credentials_give_an_error_without_the_password(pg_dsn: str) -> None:
    bad = pg_dsn.replace("perfpilot:perfpilot@", "perfpilot:wrong-secret@")
    with pytest.raises(WorkloadError) as caught:
        list(iter_pg_stat_statements(bad))
    assert "wrong-secret" not in str(caught.value)
    assert "127.0.0.1" in str(caught.value)
