"""What-if costs on live PostgreSQL with HypoPG: hypothetical indexes are session-local and write nothing."""

from __future__ import annotations

import json
import re
from typing import Any

from perfpilot.skills.database_optimization.advice_models import AdviceMethod
from perfpilot.skills.database_optimization.candidates import IndexCandidate, QueryUse
from perfpilot.skills.database_optimization.catalog import Catalog
from perfpilot.skills.database_optimization.plans import substitute_parameters
from perfpilot.skills.database_optimization.whatif import Config, WhatIf

_HYPO_NAME = re.compile(r"^<(\d+)>")


class HypoPgUnavailable(RuntimeError):
    """The HypoPG extension is not installed in the target database."""


def _plan_index_names(plan: dict[str, Any]) -> set[str]:
    names = {str(plan["Index Name"])} if "Index Name" in plan else set()
    for child in plan.get("Plans", []):
        names |= _plan_index_names(child)
    return names


class HypoPgWhatIf(WhatIf):
    """EXPLAIN costs with hypothetical indexes, over a READ ONLY connection (hypopg_reset after each)."""

    method: AdviceMethod = "hypopg"

    def __init__(self, conn: Any, catalog: Catalog) -> None:
        super().__init__(catalog)
        self.conn = conn
        installed = conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'hypopg'").fetchone()
        if not installed:
            raise HypoPgUnavailable("the hypopg extension is not installed (CREATE EXTENSION hypopg)")
        self.conn.execute("SELECT hypopg_reset()")
        self._live: dict[IndexCandidate, int] = {}

    def _create(self, candidate: IndexCandidate) -> int:
        row = self.conn.execute("SELECT indexrelid FROM hypopg_create_index(%s)", (candidate.create_sql(),))
        return int(row.fetchone()[0])

    def _sync(self, config: Config) -> dict[int, IndexCandidate]:
        """Make exactly `config` hypothetical, dropping and creating only the difference."""
        for candidate in [c for c in self._live if c not in config]:
            self.conn.execute("SELECT hypopg_drop_index((%s)::oid)", (self._live.pop(candidate),))
        for candidate in sorted(config - set(self._live)):
            self._live[candidate] = self._create(candidate)
        return {oid: candidate for candidate, oid in self._live.items()}

    def _explain(self, use: QueryUse, config: Config) -> tuple[float, frozenset[IndexCandidate]]:
        by_oid = self._sync(config)
        statement = substitute_parameters(use.statement.strip().rstrip(";"))
        row = self.conn.execute(f"EXPLAIN (FORMAT JSON) {statement}").fetchone()
        document = row[0] if not isinstance(row[0], str) else json.loads(row[0])
        plan = document[0]["Plan"]
        used: set[IndexCandidate] = set()
        for name in _plan_index_names(plan):
            match = _HYPO_NAME.match(name)
            if match and int(match[1]) in by_oid:
                used.add(by_oid[int(match[1])])
        return float(plan["Total Cost"]), frozenset(used)

    def _size(self, candidate: IndexCandidate) -> float:
        oid = self._live.get(candidate)
        if oid is None:
            oid = self._live[candidate] = self._create(candidate)
        row = self.conn.execute("SELECT hypopg_relation_size((%s)::oid)", (oid,)).fetchone()
        return float(row[0])

    def reset(self) -> None:
        """Drop every hypothetical index of this session (plans then show the database as it is)."""
        self._live.clear()
        self.conn.execute("SELECT hypopg_reset()")

    def close(self) -> None:
        self.reset()
