"""PostgreSQL evidence over a load test: pg_stat_statements and table/index deltas, lock waits, the share."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import psycopg
import pytest

from perfpilot.live.pg_stats import PgLoadObserver, Snapshot, combine, describe, difference
from perfpilot.skills.database_optimization.api import open_postgres_readonly


def _snapshot(calls: int, total: float, seq: int, idx: int) -> Snapshot:
    return Snapshot(
        statements={
            "1": (calls, total, calls, 2 * calls, calls, "SELECT * FROM orders WHERE customer_id = $1"),
            "2": (3, 1.0, 3, 0, 0, "SELECT queryid::text FROM pg_stat_statements"),
        },
        tables={"orders": (seq, seq * 1000, idx)},
        indexes={"orders.orders_pkey": idx},
    )


def test_the_delta_is_after_minus_before_without_perfpilots_own_reads() -> None:
    delta = difference("before-baseline-1", "shop", _snapshot(10, 50.0, 4, 1), _snapshot(30, 250.0, 24, 1))
    [statement] = delta.statements  # the pg_stat_statements read is perfpilot's own: left out
    assert (statement.calls, statement.total_ms, statement.shared_hit, statement.shared_read) == (
        20,
        200.0,
        40,
        20,
    )
    assert delta.seq_scans == {"orders": 20} and delta.seq_rows == {"orders": 20_000}
    assert delta.index_scans == {} and delta.database_ms == 200.0
    shared = delta.model_copy(update={"request_ms": 800.0})
    assert shared.database_share == 0.25
    assert describe(shared) == (
        "PostgreSQL (shop), before-baseline-1: 20 statements, 200 ms executing (pg_stat_statements), 25% of "
        "request time; seq scans orders 20; 0 index scans; lock waits 0/0 samples"
    )
    second = shared.model_copy(update={"run": "before-baseline-2", "request_ms": 200.0, "lock_samples": 3})
    both = combine([shared, second])
    assert (both.run, both.database_ms, both.request_ms, both.lock_samples) == (
        "before-baseline-1+2",
        400.0,
        1000.0,
        3,
    )
    assert both.seq_scans == {"orders": 40} and both.database_share == 0.4
    assert combine([shared, second.model_copy(update={"request_ms": None})]).database_share is None


def test_without_pg_stat_statements_it_says_not_measured() -> None:
    before = Snapshot(statements=None, tables={}, indexes={})
    delta = difference("after-baseline-1", "shop", before, before).model_copy(update={"request_ms": 100.0})
    assert delta.database_share is None
    assert describe(delta) == (
        "PostgreSQL (shop), after-baseline-1: pg_stat_statements is not installed there: statement time "
        "not measured; no seq scans; 0 index scans; lock waits 0/0 samples"
    )


@pytest.mark.postgres
def test_the_observer_measures_a_run_and_its_lock_waits(original: dict[str, str], tmp_path: Path) -> None:
    observer = PgLoadObserver(
        lambda: open_postgres_readonly(original["writer"]), lambda: original["name"], tmp_path
    )
    with psycopg.connect(original["writer"], autocommit=True) as app:  # a nested entry of the same queryid
        app.execute("EXPLAIN ANALYZE SELECT id, total FROM orders WHERE customer_id = 1").fetchall()
    observer.start("before-baseline-1")
    with psycopg.connect(original["writer"], autocommit=True) as app:
        for customer in range(5):
            app.execute("SELECT id, total FROM orders WHERE customer_id = %s", (customer,)).fetchall()
    holder = psycopg.connect(original["writer"])
    holder.execute("LOCK TABLE flags IN ACCESS EXCLUSIVE MODE")
    waiter = threading.Thread(
        target=lambda: psycopg.connect(original["writer"], autocommit=True).execute(
            "SELECT count(*) FROM flags"
        )
    )
    waiter.start()
    sampler = observer._sampler
    assert sampler is not None
    deadline = time.monotonic() + 30  # a wait for the sampler to see the waiter, not a timing assertion
    while sampler.waiting == 0 and time.monotonic() < deadline:
        time.sleep(0.1)
    holder.rollback()
    holder.close()
    waiter.join(timeout=30)
    observer.finish("before-baseline-1", request_seconds=None)
    notes = observer.describe(["before-baseline-1"])
    [delta] = observer.deltas
    lookup = next(s for s in delta.statements if "customer_id" in s.query)
    assert lookup.calls == 5
    assert delta.seq_scans.get("orders", 0) >= 5
    assert delta.lock_samples_waiting >= 1 and delta.max_lock_waiters >= 1
    [note] = notes
    assert note.endswith(f"lock waits {delta.lock_samples_waiting}/{delta.lock_samples} samples")
    assert observer.describe(["another-run"]) == []
    saved = json.loads((tmp_path / "pg-stats-before-baseline-1.json").read_text())
    assert saved["run"] == "before-baseline-1" and saved["database"] == original["name"]
