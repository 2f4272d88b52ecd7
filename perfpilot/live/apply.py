"""Apply a plan's auto-applicable DDL to a SQLite sandbox copy, or (confirmed) to the original."""

from __future__ import annotations

import re
import sqlite3
import tempfile
from pathlib import Path

import structlog

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


def apply_ddl(db_path: Path, changes: list[Change]) -> list[str]:
    """Run each change's DDL in its own transaction; returns the ids applied. Stops at the first failure."""
    log = structlog.get_logger("perfpilot.live.apply")
    applied: list[str] = []
    conn = sqlite3.connect(db_path)
    try:
        for change in changes:
            with conn:
                conn.executescript(sqlite_statement(change))
            applied.append(change.id)
            log.info("apply.change", change=change.id, title=change.title, rollback=change.rollback)
        with conn:
            conn.execute("ANALYZE")
    finally:
        conn.close()
    return applied


def sandbox_copy(original: Path) -> Path:
    """A fresh copy of the database in a new sandbox folder (the original is only read)."""
    return copy_sqlite(original, Path(tempfile.mkdtemp(prefix=SANDBOX_PREFIX)))
