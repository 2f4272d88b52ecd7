"""Build the shop's PostgreSQL database from the SQLite build's deterministic rows (primary keys only)."""

from __future__ import annotations

import contextlib
import hashlib
from typing import Any

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from shop.generator import SEED, TABLES, dataset, meta

SCHEMA = """
CREATE TABLE customers (
    id integer PRIMARY KEY, name text NOT NULL, email text NOT NULL,
    country text NOT NULL, created_at text NOT NULL);
CREATE TABLE products (
    id integer PRIMARY KEY, name text NOT NULL, description text NOT NULL,
    category text NOT NULL, price numeric(10, 2) NOT NULL);
CREATE TABLE orders (
    id integer PRIMARY KEY, customer_id integer NOT NULL REFERENCES customers (id),
    status text NOT NULL, created_at text NOT NULL, total numeric(12, 2) NOT NULL);
CREATE TABLE order_items (
    id integer PRIMARY KEY, order_id integer NOT NULL REFERENCES orders (id),
    product_id integer NOT NULL REFERENCES products (id), quantity integer NOT NULL,
    price numeric(10, 2) NOT NULL);
CREATE TABLE shop_meta (key text PRIMARY KEY, value text NOT NULL);
"""


def _server_dsn(dsn: str) -> str:
    """The same server and role, connected to the maintenance database (to create or drop `dsn`'s)."""
    return make_conninfo(dsn, dbname="postgres")


def _database_name(dsn: str) -> str:
    name = conninfo_to_dict(dsn).get("dbname")
    if not name:
        raise ValueError("the PostgreSQL DSN names no database")
    return str(name)


def _stored_meta(dsn: str) -> dict[str, str]:
    try:
        with psycopg.connect(dsn, connect_timeout=5) as conn:
            return dict(conn.execute("SELECT key, value FROM shop_meta").fetchall())
    except psycopg.Error:
        return {}


def _create_database(dsn: str) -> None:
    name = _database_name(dsn)
    with psycopg.connect(_server_dsn(dsn), autocommit=True, connect_timeout=5) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _load(conn: psycopg.Connection[Any], scale: float, seed: int) -> None:
    rows = dataset(scale, seed)
    with conn.transaction():
        conn.execute("DROP TABLE IF EXISTS order_items, orders, products, customers, shop_meta")
        conn.execute(SCHEMA)
        with conn.cursor() as cur:
            for table in TABLES:
                with cur.copy(sql.SQL("COPY {} FROM STDIN").format(sql.Identifier(table))) as copy:
                    for row in rows[table]:
                        copy.write_row(row)
            cur.executemany("INSERT INTO shop_meta VALUES (%s, %s)", list(meta(scale, seed).items()))
    conn.execute("ANALYZE")
    # The loop reads pg_stat_statements in this database; sandboxes made from it as a template inherit it.
    conn.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
    with contextlib.suppress(psycopg.Error):  # optional: without it the loop says HypoPG was not asked
        conn.execute("CREATE EXTENSION IF NOT EXISTS hypopg")


def ensure_postgres(dsn: str, *, scale: float = 1.0, seed: int = SEED) -> str:
    """Return `dsn`, creating its database and loading the shop first when missing or of another version."""
    if _stored_meta(dsn) == meta(scale, seed):
        return dsn
    _create_database(dsn)
    with psycopg.connect(dsn, autocommit=True, connect_timeout=5) as conn:
        _load(conn, scale, seed)
    return dsn


def content_hash(dsn: str) -> str:
    """SHA-256 over every row of every data table in primary-key order, as text."""
    digest = hashlib.sha256()
    with psycopg.connect(dsn, connect_timeout=5) as conn:
        for table in TABLES:
            query = sql.SQL("SELECT t::text FROM {} AS t ORDER BY id").format(sql.Identifier(table))
            for (row,) in conn.execute(query):
                digest.update(row.encode())
    return digest.hexdigest()
