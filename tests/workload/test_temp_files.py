"""Temporary files read from a PostgreSQL server log (log_temp_files): lines as PostgreSQL 15 writes them."""

from __future__ import annotations

from pathlib import Path

from perfpilot.workload.digest import digest_file
from perfpilot.workload.events import ParseStats
from perfpilot.workload.formats.postgres_log import parse_postgres_log

PREFIX = "2026-12-07 07:30:03.497 UTC [{pid}] perfpilot@shop "
RECORDED = Path(__file__).parents[2] / "perfpilot/evals/incidents/db-customer-spend-report-work-mem-pgbench"
REPORT = [
    "SELECT customer_id, count(*) AS orders, sum(amount_cents) AS spent\n",
    "\tFROM orders WHERE created_at >= date '2026-01-01' + 22\n",
    "\tGROUP BY customer_id ORDER BY spent DESC;\n",
]


def _line(pid: int, severity: str, body: str) -> str:
    return PREFIX.format(pid=pid) + f"{severity}:  {body}"


def _spill(pid: int, size: int) -> list[str]:
    """A temporary file, the statement that wrote it, then that statement's duration."""
    return [
        _line(pid, "LOG", f'temporary file: path "base/pgsql_tmp/pgsql_tmp{pid}.0", size {size}\n'),
        _line(pid, "STATEMENT", REPORT[0]), *REPORT[1:],
        _line(pid, "LOG", "duration: 1453.696 ms  statement: " + REPORT[0]), *REPORT[1:],
    ]


LOG = [
    _line(11, "LOG", "duration: 2.245 ms  statement: SELECT id FROM orders WHERE customer_id = 98492;\n"),
    *_spill(12, 3424256),
    *_spill(13, 1048576),
    # log_min_error_statement above LOG: the file is logged without its statement
    _line(14, "LOG", 'temporary file: path "base/pgsql_tmp/pgsql_tmp14.3", size 8192\n'),
    _line(14, "LOG", "duration: 0.305 ms  statement: SELECT 1;\n"),
]


def test_files_are_summed_per_statement_shape_with_continuation_lines() -> None:
    stats = ParseStats("pg.log")
    events = list(parse_postgres_log(LOG, stats))
    assert [round(e.duration_s or 0, 6) for e in events] == [0.002245, 1.453696, 1.453696, 0.000305]
    report, unnamed = stats.temp_files  # the most bytes first
    assert (report.files, report.total_bytes, report.max_bytes, report.first_line) == (2, 4472832, 3424256, 2)
    assert report.fingerprint == (
        "select customer_id, count(*) as orders, sum(amount_cents) as spent from orders where created_at >= "
        "date ? + ? group by customer_id order by spent desc"
    )
    assert report.statement == (
        "SELECT customer_id, count(*) AS orders, sum(amount_cents) AS spent FROM orders WHERE created_at >= "
        "date '2026-01-01' + 22 GROUP BY customer_id ORDER BY spent DESC"
    )
    assert (unnamed.fingerprint, unnamed.statement) == (None, None)
    assert (unnamed.files, unnamed.total_bytes) == (1, 8192)


def test_a_statement_after_another_message_is_not_the_files() -> None:
    stats = ParseStats("pg.log")
    lines = [
        _line(12, "LOG", 'temporary file: path "base/pgsql_tmp/pgsql_tmp12.0", size 4096\n'),
        _line(12, "LOG", "duration: 3.000 ms  statement: SELECT 2;\n"),
        _line(12, "STATEMENT", "SELECT 3;\n"),
    ]
    list(parse_postgres_log(lines, stats))
    [file] = stats.temp_files
    assert (file.fingerprint, file.files) == (None, 1)


def test_the_recorded_log_gives_the_report_its_temporary_files() -> None:
    digest = digest_file(RECORDED / "postgresql.log")
    [report] = digest.temp_files
    assert (report.files, report.total_bytes, report.max_bytes) == (22, 22 * 3424256, 3424256)
    assert report.fingerprint == digest.queries[0].fingerprint  # the shape that takes the time
