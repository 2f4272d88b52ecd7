"""The best what-if evaluator for a target: HypoPG on PostgreSQL, a SQLite sandbox copy, else a heuristic."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from perfpilot.skills.database_optimization.access.connect import open_postgres_readonly, parse_dsn
from perfpilot.skills.database_optimization.catalog.models import Catalog
from perfpilot.skills.database_optimization.indexes.heuristic import HeuristicWhatIf
from perfpilot.skills.database_optimization.indexes.whatif import WhatIf

WHATIF_CONNECTIONS = max(1, min(2, os.cpu_count() or 1))
"""Concurrent what-if sessions on PostgreSQL (each backend plans on its own core)."""


@contextmanager
def open_evaluator(catalog: Catalog, dsn: str | None, dialect: str, notes: list[str]) -> Iterator[WhatIf]:
    """The best what-if evaluator the target allows; everything opened is closed on exit."""
    with ExitStack() as stack:
        whatif: WhatIf = HeuristicWhatIf(catalog)
        if dsn is not None and dialect == "postgres":
            from perfpilot.skills.database_optimization.indexes.hypopg import HypoPgUnavailable, HypoPgWhatIf

            conn = stack.enter_context(open_postgres_readonly(dsn))
            try:
                extra = [
                    stack.enter_context(open_postgres_readonly(dsn)) for _ in range(WHATIF_CONNECTIONS - 1)
                ]
                whatif = HypoPgWhatIf(conn, catalog, extra_conns=extra)
            except HypoPgUnavailable as exc:
                notes.append(f"{exc}; falling back to the heuristic benefit estimate")
        elif dsn is not None and dialect == "sqlite":
            from perfpilot.skills.database_optimization.access.sandbox import sqlite_sandbox
            from perfpilot.skills.database_optimization.indexes.sqlite_sandbox import SqliteSandboxWhatIf

            path = parse_dsn(dsn).path
            assert path is not None
            copy = stack.enter_context(sqlite_sandbox(path))
            whatif = SqliteSandboxWhatIf(copy, catalog)
        try:
            yield whatif
        finally:
            whatif.close()
