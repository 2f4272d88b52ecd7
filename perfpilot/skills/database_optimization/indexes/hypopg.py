"""What-if costs on live PostgreSQL with HypoPG: hypothetical indexes are session-local and write nothing."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from perfpilot.skills.database_optimization.catalog.models import Catalog
from perfpilot.skills.database_optimization.indexes.candidates import IndexCandidate, QueryUse
from perfpilot.skills.database_optimization.indexes.models import AdviceMethod
from perfpilot.skills.database_optimization.indexes.whatif import Config, WhatIf
from perfpilot.skills.database_optimization.plans.postgres import substitute_parameters

_HYPO_NAME = re.compile(r"^<(\d+)>")


class HypoPgUnavailable(RuntimeError):
    """The HypoPG extension is not installed in the target database."""


def _plan_index_names(plan: dict[str, Any]) -> set[str]:
    names = {str(plan["Index Name"])} if "Index Name" in plan else set()
    for child in plan.get("Plans", []):
        names |= _plan_index_names(child)
    return names


class HypoSession:
    """One READ ONLY connection and the hypothetical indexes currently defined in its backend."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.conn.execute("SELECT hypopg_reset()")
        self.live: dict[IndexCandidate, int] = {}

    def create(self, candidate: IndexCandidate) -> int:
        row = self.conn.execute("SELECT indexrelid FROM hypopg_create_index(%s)", (candidate.create_sql(),))
        return int(row.fetchone()[0])

    def sync(self, config: Config, tables: Iterable[str]) -> dict[int, IndexCandidate]:
        """Make exactly `config` hypothetical on `tables` (indexes on other tables cannot change the plan
        of a query that does not read them, so they stay), in one statement."""
        scope = set(tables)
        stale = [c for c in self.live if c.table in scope and c not in config]
        missing = sorted(config - set(self.live))
        if stale or missing:
            row = self.conn.execute(
                "SELECT (SELECT count(hypopg_drop_index(oid)) FROM unnest(%s::oid[]) AS oid), "
                "array(SELECT h.indexrelid FROM unnest(%s::text[]) WITH ORDINALITY AS s(statement, position) "
                "CROSS JOIN LATERAL hypopg_create_index(s.statement) AS h ORDER BY s.position)",
                ([self.live.pop(c) for c in stale], [c.create_sql() for c in missing]),
            ).fetchone()
            self.live.update(zip(missing, (int(oid) for oid in row[1]), strict=True))
        return {oid: candidate for candidate, oid in self.live.items()}

    def explain(self, use: QueryUse, config: Config) -> tuple[float, frozenset[IndexCandidate]]:
        cost, used = self._plan(use, config, use.tables)
        if used - config:  # the plan reads a table the parser did not see (a view): hide everything else
            cost, used = self._plan(use, config, {c.table for c in self.live})
        return cost, used

    def _plan(
        self, use: QueryUse, config: Config, tables: Iterable[str]
    ) -> tuple[float, frozenset[IndexCandidate]]:
        by_oid = self.sync(config, tables)
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

    def reset(self) -> None:
        self.live.clear()
        self.conn.execute("SELECT hypopg_reset()")


class HypoPgWhatIf(WhatIf):
    """EXPLAIN costs with hypothetical indexes over READ ONLY connections.

    With more than one connection, a batch of requests is split across them and runs concurrently (one
    thread per backend; each backend plans on its own core).
    """

    method: AdviceMethod = "hypopg"

    def __init__(self, conn: Any, catalog: Catalog, extra_conns: list[Any] | None = None) -> None:
        super().__init__(catalog)
        self.conn = conn
        installed = conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'hypopg'").fetchone()
        if not installed:
            raise HypoPgUnavailable("the hypopg extension is not installed (CREATE EXTENSION hypopg)")
        self.sessions = [HypoSession(c) for c in [conn, *(extra_conns or [])]]
        self._pool = ThreadPoolExecutor(len(self.sessions)) if len(self.sessions) > 1 else None

    def _explain(self, use: QueryUse, config: Config) -> tuple[float, frozenset[IndexCandidate]]:
        return self.sessions[0].explain(use, config)

    def _explain_many(
        self, items: list[tuple[QueryUse, Config]]
    ) -> list[tuple[float, frozenset[IndexCandidate]]]:
        if self._pool is None or len(items) < 2:
            return [self._explain(use, config) for use, config in items]
        shares = len(self.sessions)
        chunks = [items[i::shares] for i in range(shares)]
        outputs = list(
            self._pool.map(
                lambda pair: [pair[0].explain(u, c) for u, c in pair[1]],
                zip(self.sessions, chunks, strict=True),
            )
        )
        results: list[tuple[float, frozenset[IndexCandidate]]] = []
        for index in range(len(items)):
            results.append(outputs[index % shares][index // shares])
        return results

    def _size(self, candidate: IndexCandidate) -> float:
        session = self.sessions[0]
        oid = session.live.get(candidate)
        if oid is None:
            oid = session.live[candidate] = session.create(candidate)
        row = self.conn.execute("SELECT hypopg_relation_size((%s)::oid)", (oid,)).fetchone()
        return float(row[0])

    def reset(self) -> None:
        """Drop every hypothetical index of these sessions (plans then show the database as it is)."""
        for session in self.sessions:
            session.reset()

    def close(self) -> None:
        self.reset()
        if self._pool is not None:
            self._pool.shutdown()
