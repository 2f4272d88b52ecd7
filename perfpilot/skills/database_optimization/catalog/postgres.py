"""Read a live PostgreSQL catalog (tables, columns, indexes, sizes, write and analyze statistics)."""

from __future__ import annotations

from typing import Any

from perfpilot.skills.database_optimization.access.connect import open_postgres_readonly, parse_dsn
from perfpilot.skills.database_optimization.catalog.models import Catalog, Column, Index, StatsWindow, Table

_TABLES = """
SELECT c.oid, n.nspname, c.relname, greatest(c.reltuples, 0)::bigint, s.n_live_tup,
       pg_total_relation_size(c.oid), s.n_tup_ins, s.n_tup_upd, s.n_tup_del, s.n_mod_since_analyze,
       greatest(s.last_analyze, s.last_autoanalyze)::text, s.seq_scan, s.idx_scan
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
WHERE c.relkind IN ('r', 'p', 'm')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%%'
  AND (%(schemas)s::text[] IS NULL OR n.nspname = ANY(%(schemas)s::text[]))
ORDER BY n.nspname, c.relname
"""

_COLUMNS = """
SELECT a.attrelid, a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull,
       st.avg_width, st.n_distinct
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_stats st ON st.schemaname = n.nspname AND st.tablename = c.relname AND st.attname = a.attname
WHERE a.attrelid = ANY(%(oids)s) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum
"""

_INDEXES = """
SELECT i.indrelid, ic.relname, i.indisunique, i.indisprimary, i.indpred IS NOT NULL, am.amname,
       pg_relation_size(i.indexrelid), coalesce(s.idx_scan, 0), i.indnkeyatts,
       array(SELECT coalesce(a.attname, pg_get_indexdef(i.indexrelid, k.n::int, true))
             FROM generate_subscripts(i.indkey, 1) AS k(n)
             LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[k.n]
             ORDER BY k.n)
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_am am ON am.oid = ic.relam
LEFT JOIN pg_stat_user_indexes s ON s.indexrelid = i.indexrelid
WHERE i.indrelid = ANY(%(oids)s)
ORDER BY i.indrelid, ic.relname
"""


_STATS_WINDOW = """
SELECT d.stats_reset, pg_postmaster_start_time(), now()
FROM pg_stat_database d WHERE d.datname = current_database()
"""


def read_stats_window(conn: Any) -> StatsWindow | None:
    """Since when the cumulative statistics count: the database's stats_reset, else (never reset) at least
    since the server started. PostgreSQL 15 keeps the statistics over a clean shutdown and resets them
    after a crash or immediate shutdown (docs, "The Cumulative Statistics System"), so with no reset the
    server's start is a floor of the window, not its start."""
    row = conn.execute(_STATS_WINDOW).fetchone()
    if row is None:
        return None
    reset, started, now = row
    since = reset if reset is not None else started
    days = max(0.0, (now - since).total_seconds() / 86400)
    return StatsWindow(since=since.isoformat(timespec="seconds"), days=days, floor=reset is None)


def read_catalog(dsn: str, *, schemas: list[str] | None = None) -> Catalog:
    """The catalog of a live PostgreSQL database, read in a READ ONLY session."""
    with open_postgres_readonly(dsn) as conn:
        return read_catalog_from(conn, parse_dsn(dsn).label, schemas=schemas)


def read_catalog_from(conn: Any, source: str, *, schemas: list[str] | None = None) -> Catalog:
    """The catalog over an open psycopg connection (schemas: restrict to these, default all user schemas)."""
    tables: dict[int, Table] = {}
    for row in conn.execute(_TABLES, {"schemas": schemas}).fetchall():
        oid, schema, name, reltuples, live, size, ins, upd, dele, mod, analyzed, seq, idx = row
        tables[oid] = Table(
            name=name,
            schema_name=schema,
            row_count=int(live) if live else int(reltuples),
            size_bytes=size,
            inserts=ins,
            updates=upd,
            deletes=dele,
            modified_since_analyze=mod,
            last_analyze=analyzed,
            seq_scans=seq,
            index_scans=idx,
        )
    window = read_stats_window(conn)
    if not tables:
        return Catalog(dialect="postgres", source=source, stats_window=window)
    oids = list(tables)
    for relid, name, type_, nullable, width, distinct in conn.execute(_COLUMNS, {"oids": oids}).fetchall():
        tables[relid].columns.append(
            Column(name=name, type=type_, nullable=nullable, avg_width=width, n_distinct=distinct)
        )
    for row in conn.execute(_INDEXES, {"oids": oids}).fetchall():
        relid, name, unique, primary, partial, method, size, scans, nkey, columns = row
        table = tables[relid]
        table.indexes.append(
            Index(
                name=name,
                table=table.name,
                columns=list(columns[:nkey]),
                include=list(columns[nkey:]),
                unique=unique,
                primary=primary,
                partial=partial,
                method=method,
                size_bytes=size,
                scans=scans,
            )
        )
    return Catalog(dialect="postgres", source=source, tables=list(tables.values()), stats_window=window)
