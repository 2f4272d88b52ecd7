"""Read a SQLite database's catalog: tables, columns and indexes via pragmas, row counts via sqlite_stat1."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from perfpilot.skills.database_optimization.access.connect import open_sqlite_readonly
from perfpilot.skills.database_optimization.catalog.models import Catalog, Column, Index, Table

COUNT_CAP = 1_000_000


def read_catalog(path: Path) -> Catalog:
    """The catalog of the SQLite file at `path`, opened read-only."""
    conn = open_sqlite_readonly(path)
    try:
        return read_catalog_from(conn, f"sqlite:{path}")
    finally:
        conn.close()


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _stat1_rows(conn: sqlite3.Connection) -> dict[str, int]:
    """Row counts ANALYZE recorded in sqlite_stat1 (first number of `stat`), by table."""
    has_stat = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone()
    if not has_stat:
        return {}
    counts: dict[str, int] = {}
    for table, stat in conn.execute("SELECT tbl, stat FROM sqlite_stat1").fetchall():
        first = str(stat or "").split(" ")[0]
        if first.isdigit():
            counts[str(table).lower()] = max(counts.get(str(table).lower(), 0), int(first))
    return counts


def read_catalog_from(conn: sqlite3.Connection, source: str) -> Catalog:
    """The catalog over an open SQLite connection; COUNT(*) (capped) where sqlite_stat1 has no figure."""
    analyzed = _stat1_rows(conn)
    tables: list[Table] = []
    names = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    ).fetchall()
    for (name,) in names:
        columns = [
            Column(name=col[1], type=col[2] or "", nullable=not col[3] and not col[5])
            for col in conn.execute(f"PRAGMA table_info({_quote(name)})").fetchall()
        ]
        indexes: list[Index] = []
        for _, index_name, unique, origin, partial in conn.execute(
            f"PRAGMA index_list({_quote(name)})"
        ).fetchall():
            info = conn.execute(f"PRAGMA index_info({_quote(index_name)})").fetchall()
            indexes.append(
                Index(
                    name=index_name,
                    table=name,
                    columns=[str(col[2]) for col in info if col[2] is not None],
                    unique=bool(unique),
                    primary=origin == "pk",
                    partial=bool(partial),
                )
            )
        rowid_alias = _rowid_alias(conn, name)
        if rowid_alias and not any(ix.primary for ix in indexes):
            indexes.insert(
                0, Index(name=f"{name}_rowid", table=name, columns=[rowid_alias], unique=True, primary=True)
            )
        rows = analyzed.get(name.lower())
        if rows is None:
            capped = conn.execute(f"SELECT count(*) FROM (SELECT 1 FROM {_quote(name)} LIMIT {COUNT_CAP})")
            rows = int(capped.fetchone()[0])
        tables.append(Table(name=name, schema_name="main", columns=columns, indexes=indexes, row_count=rows))
    return Catalog(dialect="sqlite", source=source, tables=tables)


def _rowid_alias(conn: sqlite3.Connection, table: str) -> str | None:
    """The INTEGER PRIMARY KEY column (an alias of the rowid, which index_list does not show), if any."""
    pk = [col for col in conn.execute(f"PRAGMA table_info({_quote(table)})").fetchall() if col[5]]
    if len(pk) == 1 and str(pk[0][2]).upper() == "INTEGER":
        return str(pk[0][1])
    return None
