"""What-if costs on SQLite: real indexes built in a sandbox copy (never the original), priced by proxy."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from perfpilot.skills.database_optimization.catalog.models import Catalog
from perfpilot.skills.database_optimization.indexes.candidates import IndexCandidate, QueryUse
from perfpilot.skills.database_optimization.indexes.models import AdviceMethod
from perfpilot.skills.database_optimization.indexes.whatif import Config, WhatIf
from perfpilot.skills.database_optimization.plans.sqlite import explain_sqlite


class SqliteSandboxWhatIf(WhatIf):
    """Builds candidate indexes in a sandbox copy, ANALYZEs them, and prices EXPLAIN QUERY PLAN with the
    rows-touched proxy of `sqlite_plans` (did the plan switch from SCAN to SEARCH, and how many rows)."""

    method: AdviceMethod = "sqlite_sandbox"

    def __init__(self, sandbox_file: Path, catalog: Catalog) -> None:
        super().__init__(catalog)
        self.conn = sqlite3.connect(sandbox_file)
        self.conn.execute("ANALYZE")
        self._built: dict[IndexCandidate, str] = {}

    def _sync(self, config: Config) -> None:
        for candidate in [c for c in self._built if c not in config]:
            self.conn.execute(f'DROP INDEX "{self._built.pop(candidate)}"')
        for candidate in sorted(config - set(self._built)):
            name = f"perfpilot_whatif_{len(self._built)}_{candidate.index_name()}"
            self.conn.execute(candidate.create_sql(f'"{name}"'))
            self.conn.execute(f'ANALYZE "{name}"')
            self._built[candidate] = name

    def _explain(self, use: QueryUse, config: Config) -> tuple[float, frozenset[IndexCandidate]]:
        self._sync(config)
        report = explain_sqlite(self.conn, use.statement, catalog=self.catalog)
        by_name = {name.lower(): candidate for candidate, name in self._built.items()}
        used = {by_name[n.index.lower()] for n in report.nodes if n.index and n.index.lower() in by_name}
        return report.total_cost, frozenset(used)

    def close(self) -> None:
        self._sync(frozenset())
        self.conn.close()
