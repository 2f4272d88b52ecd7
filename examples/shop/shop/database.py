"""Read-only database access (a SQLite file or a PostgreSQL DSN), one connection per worker thread; every
statement is timed, logged and counted."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from shop.metrics import Metrics
from shop.querylog import QueryLog, SqlParam


@dataclass(frozen=True)
class QueryContext:
    """Who is asking: the request id and the route template, copied into every query log line."""

    request_id: str
    endpoint: str


def is_postgres(target: str | Path) -> bool:
    """Whether `--db` names a PostgreSQL database (a URL or a key=value conninfo) rather than a file."""
    text = str(target)
    return text.startswith(("postgresql://", "postgres://")) or "dbname=" in text


def _plain(value: Any) -> Any:
    """numeric columns come back as Decimal from PostgreSQL: JSON wants the float SQLite returns."""
    return float(value) if isinstance(value, Decimal) else value


class Database:
    """Runs statements on a per-thread read-only connection to the SQLite file or PostgreSQL database."""

    def __init__(self, target: str | Path, metrics: Metrics, query_log: QueryLog | None = None) -> None:
        self.postgres = is_postgres(target)
        path = Path(target)
        if not self.postgres and not path.is_file():
            raise FileNotFoundError(f"{path}: no such database (build it with examples/shop/generate.py)")
        self.target = str(target)
        self.path = path
        self._metrics = metrics
        self._query_log = query_log
        self._local = threading.local()
        self._connections: list[Any] = []
        self._lock = threading.Lock()

    def _connection(self) -> Any:
        conn: Any = getattr(self._local, "conn", None)
        if conn is None and self.postgres:
            import psycopg
            from psycopg.rows import dict_row

            conn = psycopg.connect(
                self.target, autocommit=True, row_factory=dict_row, application_name="shop",
                options="-c default_transaction_read_only=on",
            )
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        elif conn is None:
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
        # psycopg's placeholders are %s: a literal % is written %% there
        statement = sql.replace("%", "%%").replace("?", "%s") if self.postgres else sql
        started = time.perf_counter()
        rows = self._connection().execute(statement, params).fetchall()
        elapsed = time.perf_counter() - started
        self._metrics.observe_query(ctx.endpoint, elapsed)
        if self._query_log is not None:
            self._query_log.record(
                request_id=ctx.request_id, endpoint=ctx.endpoint, sql=sql, params=params,
                duration_s=elapsed, rows=len(rows),
            )
        return [{key: _plain(value) for key, value in dict(row).items()} for row in rows]

    def close(self) -> None:
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
