"""Checksums of a PostgreSQL database's user catalog and data, to show an original was not written."""

from __future__ import annotations

import hashlib
from typing import Any

from pydantic import BaseModel, ConfigDict

USER_SCHEMAS = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'"

CATALOG_QUERIES = (
    # relations (tables, indexes, views, sequences) by schema, name and kind
    "SELECT n.nspname, c.relname, c.relkind::text FROM pg_class c "
    f"JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {USER_SCHEMAS} ORDER BY 1, 2",
    # columns with their types, nullability and defaults
    "SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
    "pg_get_expr(d.adbin, d.adrelid) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
    "JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid "
    f"AND d.adnum = a.attnum WHERE a.attnum > 0 AND NOT a.attisdropped AND {USER_SCHEMAS} ORDER BY 1, 2, 3",
    "SELECT schemaname, tablename, indexname, indexdef FROM pg_indexes "
    "WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2, 3",
    "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
    "WHERE connamespace NOT IN (SELECT oid FROM pg_namespace WHERE nspname IN ('pg_catalog', "
    "'information_schema')) ORDER BY 1, 2",
    "SELECT extname, extversion FROM pg_extension ORDER BY 1",
)

TABLES = (
    "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c "
    "JOIN pg_namespace n ON n.oid = c.relnamespace "
    f"WHERE c.relkind IN ('r', 'p') AND {USER_SCHEMAS} ORDER BY 1"
)


class DatabaseChecksum(BaseModel):
    """SHA-256 of the user catalog (relations, columns, indexes, constraints, extensions) and of every row."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    catalog: str
    data: str
    tables: int


def database_checksum(conn: Any) -> DatabaseChecksum:
    """Read-only: catalog queries and each table's rows as text, sorted (independent of physical order)."""
    catalog = hashlib.sha256()
    for query in CATALOG_QUERIES:
        for row in conn.execute(query).fetchall():
            catalog.update(repr(tuple(row)).encode())
    data = hashlib.sha256()
    tables = [str(r[0]) for r in conn.execute(TABLES).fetchall()]
    for table in tables:
        row = conn.execute(
            f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) "
            f"FROM {table} AS t"
        ).fetchone()
        data.update(f"{table}:{row[0]}:{row[1]}".encode())
    return DatabaseChecksum(catalog=catalog.hexdigest(), data=data.hexdigest(), tables=len(tables))
