"""PostgreSQL's own evidence over each load test: pg_stat_statements and table/index counter deltas (snapshot
and difference, never a reset), lock waits sampled while it runs, and the database's share of request time."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import structlog
from pydantic import BaseModel, ConfigDict, Field

LOCK_SAMPLE_S = 0.5
OWN_STATEMENTS = ("pg_stat_statements", "pg_stat_activity", "pg_stat_user_")  # the observer's own reads

log = structlog.get_logger("perfpilot.live.pg_stats")

# Top-level statements only: a nested one (inside a function, or the query an EXPLAIN ANALYZE runs) shares
# its queryid and its time is already in its caller's. One entry per role and queryid.
STATEMENTS_SQL = (
    "SELECT userid::text || ':' || queryid::text, calls, total_exec_time, rows, shared_blks_hit, "
    "shared_blks_read, query FROM pg_stat_statements "
    "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND toplevel "
    "AND queryid IS NOT NULL"  # other roles' statements show no queryid without pg_read_all_stats
)
TABLES_SQL = "SELECT relname, seq_scan, seq_tup_read, coalesce(idx_scan, 0) FROM pg_stat_user_tables"
INDEXES_SQL = "SELECT indexrelname, relname, idx_scan FROM pg_stat_user_indexes"
LOCKS_SQL = (
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
)


class StatementDelta(BaseModel):
    """One normalised statement's work during the load test."""

    model_config = ConfigDict(extra="forbid")

    queryid: str
    query: str
    calls: int
    total_ms: float
    rows: int
    shared_hit: int
    shared_read: int


class RunDelta(BaseModel):
    """What the database did during one load test, from counters read before and after it."""

    model_config = ConfigDict(extra="forbid")

    run: str
    database: str
    statements: list[StatementDelta] = Field(default_factory=list)
    statements_available: bool = True
    seq_scans: dict[str, int] = Field(default_factory=dict, description="Per table: sequential scans begun.")
    seq_rows: dict[str, int] = Field(default_factory=dict, description="Per table: rows read by them.")
    index_scans: dict[str, int] = Field(default_factory=dict, description="Per index: scans begun.")
    lock_samples: int = 0
    lock_samples_waiting: int = 0
    max_lock_waiters: int = 0
    database_ms: float = 0
    request_ms: float | None = None

    @property
    def database_share(self) -> float | None:
        if not self.request_ms or not self.statements_available:
            return None
        return min(1.0, self.database_ms / self.request_ms)


class Snapshot(BaseModel):
    model_config = ConfigDict(extra="forbid")

    statements: dict[str, tuple[int, float, int, int, int, str]] | None
    tables: dict[str, tuple[int, int, int]]
    indexes: dict[str, int]


def take_snapshot(conn: Any) -> Snapshot:
    """Cumulative counters now (pg_stat_statements may be missing: then None, said so in the notes)."""
    try:
        rows = conn.execute(STATEMENTS_SQL).fetchall()
        statements: dict[str, tuple[int, float, int, int, int, str]] | None = {
            r[0]: (int(r[1]), float(r[2]), int(r[3]), int(r[4]), int(r[5]), str(r[6])) for r in rows
        }
    except Exception:  # the view is absent in this database: the run says 'not measured'
        statements = None
    tables = {r[0]: (int(r[1]), int(r[2] or 0), int(r[3])) for r in conn.execute(TABLES_SQL).fetchall()}
    indexes = {f"{r[1]}.{r[0]}": int(r[2]) for r in conn.execute(INDEXES_SQL).fetchall()}
    return Snapshot(statements=statements, tables=tables, indexes=indexes)


def difference(run: str, database: str, before: Snapshot, after: Snapshot) -> RunDelta:
    """after - before, per statement, table and index (a statement new since `before` counts from zero)."""
    statements: list[StatementDelta] = []
    if before.statements is not None and after.statements is not None:
        for queryid, (calls, total, rows, hit, read, query) in after.statements.items():
            base = before.statements.get(queryid, (0, 0.0, 0, 0, 0, query))
            if calls < base[0]:  # the entry was evicted and made anew during the run: count from zero
                base = (0, 0.0, 0, 0, 0, query)
            if calls - base[0] > 0 and not any(mark in query for mark in OWN_STATEMENTS):
                statements.append(
                    StatementDelta(
                        queryid=queryid,
                        query=query[:300],
                        calls=calls - base[0],
                        total_ms=round(total - base[1], 3),
                        rows=rows - base[2],
                        shared_hit=hit - base[3],
                        shared_read=read - base[4],
                    )
                )
    statements.sort(key=lambda s: -s.total_ms)
    seq = {t: v[0] - before.tables.get(t, (0, 0, 0))[0] for t, v in after.tables.items()}
    seq_rows = {t: v[1] - before.tables.get(t, (0, 0, 0))[1] for t, v in after.tables.items()}
    idx = {i: v - before.indexes.get(i, 0) for i, v in after.indexes.items()}
    return RunDelta(
        run=run,
        database=database,
        statements=statements,
        statements_available=before.statements is not None and after.statements is not None,
        seq_scans={t: n for t, n in seq.items() if n},
        seq_rows={t: n for t, n in seq_rows.items() if n},
        index_scans={i: n for i, n in idx.items() if n},
        database_ms=round(sum(s.total_ms for s in statements), 3),
    )


def combine(deltas: list[RunDelta]) -> RunDelta:
    """Several runs' deltas as one (sums; the database is the last run's), named 'run-1+2'."""
    first, *rest = deltas
    total = first.model_copy(deep=True)
    for delta in rest:
        total.statements += delta.statements
        for field in ("seq_scans", "seq_rows", "index_scans"):
            merged = getattr(total, field)
            for key, value in getattr(delta, field).items():
                merged[key] = merged.get(key, 0) + value
        total.lock_samples += delta.lock_samples
        total.lock_samples_waiting += delta.lock_samples_waiting
        total.max_lock_waiters = max(total.max_lock_waiters, delta.max_lock_waiters)
        total.database_ms += delta.database_ms
        known = total.request_ms is not None and delta.request_ms is not None
        total.request_ms = (total.request_ms or 0) + (delta.request_ms or 0) if known else None
        total.statements_available = total.statements_available and delta.statements_available
        total.database = delta.database
    if rest:
        stem = first.run.rsplit("-", 1)[0]
        total.run = f"{stem}-" + "+".join(d.run.rsplit("-", 1)[-1] for d in deltas)
    return total


def describe(delta: RunDelta) -> str:
    """One line on what PostgreSQL measured over the run (step budgets are small: the statements, scans
    and indexes in full are in the run's pg-stats JSON file)."""
    parts = []
    if not delta.statements_available:
        parts.append("pg_stat_statements is not installed there: statement time not measured")
    else:
        share = delta.database_share
        parts.append(
            f"{sum(s.calls for s in delta.statements)} statements, {delta.database_ms:.0f} ms executing "
            "(pg_stat_statements)" + (f", {share:.0%} of request time" if share is not None else "")
        )
    top_tables = sorted(delta.seq_scans.items(), key=lambda item: -delta.seq_rows.get(item[0], 0))[:3]
    parts.append(
        "seq scans " + ", ".join(f"{t} {n}" for t, n in top_tables) if top_tables else "no seq scans"
    )
    parts.append(f"{sum(delta.index_scans.values())} index scans")
    parts.append(f"lock waits {delta.lock_samples_waiting}/{delta.lock_samples} samples")
    return f"PostgreSQL ({delta.database}), {delta.run}: " + "; ".join(parts)


class LockSampler:
    """Counts sessions waiting on a lock every LOCK_SAMPLE_S seconds on its own connection, until stopped."""

    def __init__(self, connect: Callable[[], Any]) -> None:
        self.connect = connect
        self.samples = self.waiting = self.most = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        try:
            with self.connect() as conn:
                while not self._stop.is_set():
                    count = int(conn.execute(LOCKS_SQL).fetchone()[0])
                    self.samples += 1
                    self.waiting += count > 0
                    self.most = max(self.most, count)
                    self._stop.wait(LOCK_SAMPLE_S)
        except Exception as exc:  # sampling is evidence, not the run: a lost connection ends it, noted
            log.warning("pg_stats.lock_sampler_stopped", error=str(exc).splitlines()[0] if str(exc) else "")

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


class PgLoadObserver:
    """The LoadObserver of a live PostgreSQL run: it reads whichever database the service uses now."""

    def __init__(self, connect: Callable[[], Any], database: Callable[[], str], out_dir: Path) -> None:
        self.connect = connect
        self.database = database
        self.out_dir = out_dir
        self.deltas: list[RunDelta] = []
        self._before: Snapshot | None = None
        self._sampler: LockSampler | None = None

    def start(self, run_name: str) -> None:
        with self.connect() as conn:
            self._before = take_snapshot(conn)
        self._sampler = LockSampler(self.connect)
        self._sampler.start()

    def finish(self, run_name: str, request_seconds: float | None) -> None:
        sampler, self._sampler = self._sampler, None
        if sampler is not None:
            sampler.stop()
        before, self._before = self._before, None
        if before is None:
            return
        with self.connect() as conn:
            after = take_snapshot(conn)
        delta = difference(run_name, self.database(), before, after).model_copy(
            update={
                "request_ms": request_seconds * 1000 if request_seconds is not None else None,
                "lock_samples": sampler.samples if sampler else 0,
                "lock_samples_waiting": sampler.waiting if sampler else 0,
                "max_lock_waiters": sampler.most if sampler else 0,
            }
        )
        self.deltas.append(delta)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        (self.out_dir / f"pg-stats-{run_name}.json").write_text(json.dumps(delta.model_dump(), indent=1))
        log.info("pg_stats.run", run=run_name, database_ms=delta.database_ms, share=delta.database_share)

    def describe(self, run_names: list[str]) -> list[str]:
        deltas = [d for d in self.deltas if d.run in run_names]
        return [describe(combine(deltas))] if deltas else []
