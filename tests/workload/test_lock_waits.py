"""Lock waits read from a PostgreSQL server log (log_lock_waits): lines as PostgreSQL 15 writes them."""

from __future__ import annotations

from pathlib import Path

from perfpilot.workload.digest import digest_file
from perfpilot.workload.events import ParseStats
from perfpilot.workload.formats.postgres_log import parse_postgres_log

PREFIX = "2026-12-06 22:23:27.546 UTC [{pid}] app@shop "
RECORDED = Path(__file__).parents[2] / "perfpilot/evals/incidents/db-orders-hot-row-lock-waits-pgbench"


def _line(pid: int, severity: str, body: str) -> str:
    return PREFIX.format(pid=pid) + f"{severity}:  {body}\n"


WAIT_THEN_ACQUIRE = [
    _line(11, "LOG", "process 11 still waiting for ShareLock on transaction 901 after 50.120 ms"),
    _line(11, "DETAIL", "Process holding the lock: 12. Wait queue: 11, 13, 14."),
    _line(11, "CONTEXT", 'while rechecking updated tuple (0,3) in relation "stock_totals"'),
    _line(11, "STATEMENT", "UPDATE stock_totals SET reserved = reserved + 1 WHERE warehouse_id = 1;"),
    _line(12, "LOG", "duration: 18.825 ms  statement: COMMIT;"),
    _line(11, "LOG", "process 11 acquired ShareLock on transaction 901 after 152.394 ms"),
    _line(11, "CONTEXT", 'while rechecking updated tuple (0,3) in relation "stock_totals"'),
    _line(11, "STATEMENT", "UPDATE stock_totals SET reserved = reserved + 1 WHERE warehouse_id = 1;"),
    _line(11, "LOG", "duration: 153.001 ms  statement: UPDATE stock_totals SET reserved = reserved + 1"
                     " WHERE warehouse_id = 1;"),
    # a tuple lock names its relation by oid only: the waiting statement names the table
    _line(13, "LOG", "process 13 still waiting for ExclusiveLock on tuple (1,72) of relation 65719 of "
                     "database 65680 after 51.340 ms"),
    _line(13, "DETAIL", "Process holding the lock: 11. Wait queue: 13."),
    _line(13, "STATEMENT", "UPDATE stock_totals SET reserved = reserved + 1 WHERE warehouse_id = 1;"),
    # never acquired in the log (cancelled): counted at its last logged figure
    _line(14, "LOG", "process 14 still waiting for AccessExclusiveLock on relation 70 of database 5 after"
                     " 1000.000 ms"),
    _line(14, "STATEMENT", "ALTER TABLE orders ADD COLUMN note text;"),
    _line(14, "ERROR", "canceling statement due to lock timeout"),
    _line(14, "STATEMENT", "ALTER TABLE orders ADD COLUMN note text;"),
]


def test_waits_are_summed_per_relation_at_their_acquired_time() -> None:
    stats = ParseStats("pg.log")
    events = list(parse_postgres_log(WAIT_THEN_ACQUIRE, stats))
    assert [round(e.duration_s or 0, 6) for e in events] == [0.018825, 0.153001]  # waits are not statements
    orders, stock = stats.lock_waits  # the longest total first
    assert (stock.subject, stock.waits, stock.total_wait_s, stock.max_wait_s) == (
        "stock_totals", 2, 0.203734, 0.152394
    )
    assert stock.locks == ["ExclusiveLock on tuple", "ShareLock on transaction"]
    assert (stock.max_queue, stock.first_line, stock.deadlocks) == (3, 1, 0)
    assert stock.statement == "UPDATE stock_totals SET reserved = reserved + 1 WHERE warehouse_id = 1;"
    assert (orders.subject, orders.waits, orders.total_wait_s, orders.locks) == (
        "orders", 1, 1.0, ["AccessExclusiveLock on relation"]
    )


def test_a_deadlock_is_counted() -> None:
    lines = [
        _line(21, "LOG", "process 21 detected deadlock while waiting for ShareLock on transaction 7 after"
                         " 100.5 ms"),
        _line(21, "CONTEXT", 'while updating tuple (0,1) in relation "accounts"'),
        _line(21, "ERROR", "deadlock detected"),
        _line(21, "DETAIL", "Process 21 waits for ShareLock on transaction 7; blocked by process 22."),
    ]
    stats = ParseStats("pg.log")
    list(parse_postgres_log(lines, stats))
    [accounts] = stats.lock_waits
    assert (accounts.subject, accounts.waits, accounts.deadlocks, accounts.max_queue) == ("accounts", 1, 1, 0)


def test_the_recorded_incident_log() -> None:
    digest = digest_file(RECORDED / "postgresql.log", "postgres_log", "postgres")
    [stock] = digest.lock_waits
    assert (stock.subject, stock.waits, stock.max_queue, stock.deadlocks) == ("stock_totals", 282, 7, 0)
    assert stock.locks == ["ExclusiveLock on tuple", "ShareLock on transaction"]
    assert round(stock.total_wait_s, 3) == 17.47
