"""Read-only SQLite access, one connection per worker thread; every statement is timed, logged and counted."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shop.metrics import Metrics
from shop.querylog import QueryLog, SqlParam


@dataclass(frozen=True)
class QueryContext:
    """Who is asking: the request id and the route template, copied into every query log line."""

    request_id: str
    endpoint: str


class Database:
    """Runs statements on a per-thread read-only connection to the SQLite file."""

    def __init__(self, path: Path, metrics: Metrics, query_log: QueryLog | None = None) -> None:
        if not path.is_file():
            raise FileNotFoundError(f"{path}: no such database (build it with examples/shop/generate.py)")
        self.path = path
        self._metrics = metrics
        self._query_log = query_log
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    def _connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            # check_same_thread=False only so close() can close every thread's connection at shutdown.
            conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    def query(self, ctx: QueryContext, sql: str, params: Sequence[SqlParam] = ()) -> list[dict[str, Any]]:
        """Run one statement and return its rows as dicts."""
        sql = " ".join(sql.split())
        started = time.perf_counter()
        rows = self._connection().execute(sql, params).fetchall()
        elapsed = time.perf_counter() - started
        self._metrics.observe_query(ctx.endpoint, elapsed)
        if self._query_log is not None:
            self._query_log.record(
                request_id=ctx.request_id, endpoint=ctx.endpoint, sql=sql, params=params,
                duration_s=elapsed, rows=len(rows),
            )
        return [dict(row) for row in rows]

    def close(self) -> None:
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
