"""Throwaway PostgreSQL databases for the live-loop tests: an original owned by a role that could write it."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from psycopg import sql
from psycopg.conninfo import make_conninfo

WRITER = "pgloop_writer"  # LOGIN CREATEDB, owner of the original: it could write it (pg_* is reserved)
READER = "pgloop_reader"  # LOGIN, no CREATEDB
PASSWORD = "pg-loop-test"

SCHEMA = """
CREATE TABLE orders (id integer PRIMARY KEY, customer_id integer NOT NULL, status text NOT NULL,
                     created_at timestamp NOT NULL, total numeric(10, 2) NOT NULL);
INSERT INTO orders SELECT g, g % 2000, CASE WHEN g % 50 = 0 THEN 'refunded' ELSE 'delivered' END,
       timestamp '2026-01-01' + g * interval '1 minute', (g % 997) / 10.0
  FROM generate_series(1, 40000) g;
CREATE TABLE flags (id integer PRIMARY KEY, kind text NOT NULL);
INSERT INTO flags SELECT g, 'same' FROM generate_series(1, 20000) g;
ANALYZE;
"""


def _role(admin: Any, name: str, createdb: bool) -> None:
    exists = admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone()
    verb = "ALTER" if exists else "CREATE"
    option = "CREATEDB" if createdb else "NOCREATEDB"
    admin.execute(
        sql.SQL(f"{verb} ROLE {{}} LOGIN {option} PASSWORD {{}}").format(
            sql.Identifier(name), sql.Literal(PASSWORD)
        )
    )


def drop_with_sandboxes(admin: Any, name: str) -> None:
    rows = admin.execute(
        "SELECT datname FROM pg_database WHERE datname = %s OR starts_with(datname, %s)",
        (name, f"{name}_sbx_"),
    ).fetchall()
    for (database,) in rows:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database)))


@pytest.fixture
def original(pg_dsn: str) -> Iterator[dict[str, str]]:
    """A fresh database `pg_loop_t_<hex>` owned by WRITER, with pg_stat_statements and HypoPG when present;
    DSNs for the writer, a reader without CREATEDB, and the superuser. Dropped (with sandboxes) after."""
    import psycopg

    name = f"pg_loop_t_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(pg_dsn, autocommit=True) as admin:
        _role(admin, WRITER, createdb=True)
        _role(admin, READER, createdb=False)
        admin.execute(
            sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(name), sql.Identifier(WRITER))
        )
    superuser = make_conninfo(pg_dsn, dbname=name)
    with psycopg.connect(superuser, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        available = conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'hypopg'").fetchone()
        if available:
            conn.execute("CREATE EXTENSION IF NOT EXISTS hypopg")
    writer = make_conninfo(pg_dsn, dbname=name, user=WRITER, password=PASSWORD)
    with psycopg.connect(writer, autocommit=True) as conn:
        conn.execute(SCHEMA)
        conn.execute(f"GRANT SELECT ON orders, flags TO {READER}")
    try:
        yield {
            "name": name,
            "writer": writer,
            "reader": make_conninfo(pg_dsn, dbname=name, user=READER, password=PASSWORD),
            "superuser": superuser,
        }
    finally:
        with psycopg.connect(pg_dsn, autocommit=True) as admin:
            drop_with_sandboxes(admin, name)
