"""The plans of a workload's statements as they run today (no hypothetical index), read-only."""

from __future__ import annotations

import sqlite3

from perfpilot.skills.database_optimization.access.connect import (
    open_postgres_readonly,
    open_sqlite_readonly,
    parse_dsn,
)
from perfpilot.skills.database_optimization.catalog.models import Catalog
from perfpilot.skills.database_optimization.indexes.candidates import QueryUse
from perfpilot.skills.database_optimization.indexes.hypopg import HypoPgWhatIf
from perfpilot.skills.database_optimization.indexes.whatif import WhatIf
from perfpilot.skills.database_optimization.plans.postgres import PlanReport, explain_postgres
from perfpilot.skills.database_optimization.plans.sqlite import explain_sqlite


def explain_workload(
    uses: list[QueryUse], catalog: Catalog, dsn: str, dialect: str, whatif: WhatIf
) -> list[tuple[str, PlanReport]]:
    """(shape id, plan report) of every query; HypoPG sessions are reset first and reused."""
    if dialect == "postgres":
        if isinstance(whatif, HypoPgWhatIf):
            whatif.reset()
            return [(u.shape_id, explain_postgres(whatif.conn, u.statement, catalog=catalog)) for u in uses]
        with open_postgres_readonly(dsn) as pg:
            return [(u.shape_id, explain_postgres(pg, u.statement, catalog=catalog)) for u in uses]
    path = parse_dsn(dsn).path if dialect == "sqlite" else None
    if path is None:
        return []
    conn = open_sqlite_readonly(path)
    try:
        reports = []
        for use in uses:
            try:
                reports.append((use.shape_id, explain_sqlite(conn, use.statement, catalog=catalog)))
            except sqlite3.Error:  # a statement the read-only connection refuses (CREATE INDEX, ...)
                continue
        return reports
    finally:
        conn.close()
