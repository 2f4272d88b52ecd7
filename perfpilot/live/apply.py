"""Apply a plan's auto-applicable DDL to a SQLite sandbox copy, or (confirmed) to the original."""

from __future__ import annotations

import re
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path

import sqlglot
import structlog
from sqlglot import exp

from perfpilot.artifacts import Change, ImplementationPlan
from perfpilot.skills.database_optimization.api import SANDBOX_PREFIX, copy_sqlite

CONCURRENTLY = re.compile(r"\bCONCURRENTLY\s+", re.IGNORECASE)


def sqlite_statement(change: Change) -> str:
    """The change's DDL as SQLite accepts it (SQLite has no CREATE INDEX CONCURRENTLY)."""
    return CONCURRENTLY.sub("", change.content.strip())


def applicable(plan: ImplementationPlan) -> list[Change]:
    """Changes perfpilot may apply itself, in deployment order: DDL marked auto-applicable."""
    by_id = {c.id: c for c in plan.changes}
    return [by_id[i] for i in plan.deployment_sequence if by_id[i].auto_applicable and by_id[i].kind == "ddl"]


def created_index(statement: str) -> str | None:
    """The index name a CREATE INDEX statement creates (None for any other statement)."""
    try:
        parsed = sqlglot.parse_one(statement, dialect="sqlite")
    except sqlglot.errors.ParseError:
        return None
    if isinstance(parsed, exp.Create) and str(parsed.args.get("kind", "")).upper() == "INDEX":
        return parsed.this.name or None
    return None


def _index_exists(conn: sqlite3.Connection, name: str) -> bool:
    row = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", (name,)).fetchone()
    return row is not None


def apply_ddl(
    db_path: Path, changes: list[Change], on_applied: Callable[[str], None] | None = None
) -> list[str]:
    """Run each change's DDL in its own transaction; returns the ids applied. Stops at the first failure.
    An index the database already has is not created again (a run killed between a change's commit and
    its ledger line applied it); on_applied hears of each change as soon as it is in the database."""
    log = structlog.get_logger("perfpilot.live.apply")
    applied: list[str] = []
    conn = sqlite3.connect(db_path)
    try:
        for change in changes:
            statement = sqlite_statement(change)
            index = created_index(statement)
            if index is not None and _index_exists(conn, index):
                log.info("apply.already_present", change=change.id, index=index)
            else:
                with conn:
                    conn.executescript(statement)
                log.info("apply.change", change=change.id, title=change.title, rollback=change.rollback)
            applied.append(change.id)
            if on_applied is not None:
                on_applied(change.id)
        with conn:
            conn.execute("ANALYZE")
    finally:
        conn.close()
    return applied


def sandbox_copy(original: Path) -> Path:
    """A fresh copy of the database in a new sandbox folder (the original is only read)."""
    return copy_sqlite(original, Path(tempfile.mkdtemp(prefix=SANDBOX_PREFIX)))
