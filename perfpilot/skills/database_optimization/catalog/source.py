"""The target's schema catalog: from its DDL file, or read-only from its live SQLite/PostgreSQL database."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

import structlog

from perfpilot.skills.database_optimization.catalog.ddl import DdlError, read_ddl
from perfpilot.skills.database_optimization.catalog.models import Catalog, Dialect
from perfpilot.skills.database_optimization.catalog.table_stats import apply_table_stats
from perfpilot.target.spec import Target

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class CatalogResult:
    """The catalog (None when there is none), the DSN to use for live advice, and why anything failed."""

    catalog: Catalog | None
    dialect: Dialect
    dsn: str | None
    notes: tuple[str, ...] = ()


def target_dialect(target: Target) -> Dialect:
    """The database's dialect: the database source's, else the first workload's, else postgres."""
    database = target.evidence.database
    if database is not None:
        return database.dialect
    return next((w.dialect for w in target.evidence.workload if w.dialect), "postgres")


def resolved_dsn(dsn: str, root: Path) -> str:
    """A SQLite DSN as the absolute path of its file (a relative one is taken against the target's
    folder, as the target loader does); other DSNs unchanged. Paths are read as connect.parse_dsn does."""
    from perfpilot.skills.database_optimization.access.connect import parse_dsn

    parsed = parse_dsn(dsn)
    if parsed.dialect != "sqlite" or parsed.path is None:
        return dsn
    return str(parsed.path if parsed.path.is_absolute() else (root / parsed.path).resolve())


def load_catalog(target: Target) -> CatalogResult:
    """Read the catalog the target declares; failures become notes, never exceptions."""
    dialect = target_dialect(target)
    database = target.evidence.database
    if database is None:
        missing = "no database source: index advice needs a DDL file or a DSN"
        return CatalogResult(None, dialect, None, (missing,))
    notes: list[str] = []
    if database.dsn is not None:
        import psycopg

        from perfpilot.skills.database_optimization.access.connect import DatabaseUnavailable, redact_dsn

        try:
            dsn = resolved_dsn(database.dsn, target.root)
            return CatalogResult(read_live_catalog(dsn), dialect, dsn)
        except (ValueError, OSError, sqlite3.Error, psycopg.Error, DatabaseUnavailable) as exc:
            message = redact_dsn(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
            notes.append(f"live catalog unavailable ({message[:200]})")
            log.warning("db.catalog_unavailable", reason=message[:200])
    if database.ddl is not None:
        try:
            read = read_ddl(database.ddl, dialect)
        except DdlError as exc:
            notes.append(str(exc))
        else:
            name = database.ddl.name
            notes += [f"{name}:{p.line}: left out of the catalog: {p.reason}" for p in read.problems]
            if database.table_stats is not None:
                notes += _table_stats(read.catalog, database.table_stats)
            return CatalogResult(read.catalog, dialect, None, tuple(notes))
    return CatalogResult(None, dialect, None, tuple(notes))


def _table_stats(catalog: Catalog, path: Path) -> list[str]:
    """Merge pg_stat_user_tables figures into a DDL catalog; what went wrong as notes."""
    try:
        matched = apply_table_stats(catalog, path)
    except DdlError as exc:
        return [f"table statistics left out: {exc}"]
    return [] if matched else [f"table statistics {path.name}: no table of the schema in it"]


def read_live_catalog(dsn: str) -> Catalog:
    """The catalog of a live database (SQLite file or PostgreSQL), read-only; DatabaseUnavailable or
    ValueError when it cannot be read."""
    from perfpilot.skills.database_optimization.access.connect import parse_dsn

    parsed = parse_dsn(dsn)
    if parsed.dialect == "sqlite":
        from perfpilot.skills.database_optimization.catalog.sqlite import read_catalog as read_sqlite

        assert parsed.path is not None
        return read_sqlite(parsed.path)
    from perfpilot.skills.database_optimization.catalog.postgres import read_catalog as read_pg

    return read_pg(dsn)
