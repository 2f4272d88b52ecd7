"""Temporary files read from a PostgreSQL server log (log_temp_files): lines as PostgreSQL 15 writes them."""

from __future__ import annotations

from pathlib import Path

from perfpilot.workload.digest import digest_file
from perfpilot.workload.events import ParseStats
from perfpilot.workload.formats.pg_stat_statements import parse_pg_stat_statements_csv
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
    assert (report.files, report.total_bytes, report.spill_bytes) == (2, 4472832, 3424256)
    assert report.first_line == 2
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


def test_one_execution_is_the_files_a_process_logs_before_its_duration_line() -> None:
    """A hash in batches writes several files in one execution; a parallel worker is its own process."""
    batch = 'temporary file: path "base/pgsql_tmp/pgsql_tmp{pid}.{n}", size {size}\n'
    lines: list[str] = []
    for pid, n, size in ((21, 0, 1000), (21, 1, 3000), (22, 0, 2500)):  # 21 the leader, 22 its worker
        lines += [
            _line(pid, "LOG", batch.format(pid=pid, n=n, size=size)),
            _line(pid, "STATEMENT", REPORT[0]),
            *REPORT[1:],
        ]
    lines += [_line(21, "LOG", "duration: 20.000 ms  statement: " + REPORT[0]), *REPORT[1:]]
    lines += [_line(21, "LOG", batch.format(pid=21, n=2, size=3500)), _line(21, "STATEMENT", REPORT[0]),
              *REPORT[1:]]  # the next execution of the leader
    stats = ParseStats("pg.log")
    list(parse_postgres_log(lines, stats))
    [report] = stats.temp_files
    assert (report.files, report.total_bytes, report.spill_bytes) == (4, 10000, 4000)


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
    assert (report.files, report.total_bytes, report.spill_bytes) == (22, 22 * 3424256, 3424256)
    assert report.fingerprint == digest.queries[0].fingerprint  # the shape that takes the time


PGSS = [
    "userid,dbid,queryid,query,calls,total_exec_time,rows,temp_blks_read,temp_blks_written\n",
    '16384,1,-87,"SELECT customer_id, sum(amount_cents) FROM orders\n',  # a statement on two lines
    'GROUP BY customer_id",20,700.5,20,400,420\n',
    '16385,1,-88,"SELECT customer_id, sum(amount_cents) FROM orders GROUP BY customer_id",2,70.5,2,0,60\n',
    "16384,1,-89,SELECT id FROM orders WHERE id = $1,142,12.5,142,0,0\n",
    "16384,1,-90,SELECT 1,3,0.1,3,,\n",
]


def test_pg_stat_statements_temp_blocks_are_summed_per_shape_in_8_kb_blocks() -> None:
    stats = ParseStats("pgss.csv")
    events = list(parse_pg_stat_statements_csv(PGSS, stats))
    assert [e.count for e in events] == [20, 2, 142, 3]
    [spill] = stats.temp_files  # two users' rows of one shape; rows without temp blocks are not spills
    assert (spill.files, spill.calls, spill.total_bytes, spill.spill_bytes, spill.first_line) == (
        None, 22, 480 * 8192, 480 * 8192 // 22, 3
    )
    assert spill.fingerprint == "select customer_id, sum(amount_cents) from orders group by customer_id"


def test_an_export_without_temp_columns_has_no_spills() -> None:
    stats = ParseStats("pgss.csv")
    rows = ["query,calls,total_exec_time\n", "SELECT 1,3,0.1\n"]
    assert len(list(parse_pg_stat_statements_csv(rows, stats))) == 1
    assert stats.temp_files == []


def test_a_row_with_an_infinite_count_is_skipped_with_its_line() -> None:
    stats = ParseStats("pgss.csv")
    rows = [
        "query,calls,total_exec_time,temp_blks_written\n",
        "SELECT 1,3,0.1,inf\n",
        "SELECT 2,inf,0.1,0\n",
        "SELECT 3,2,0.1,5\n",
    ]
    assert [e.sql for e in parse_pg_stat_statements_csv(rows, stats)] == ["SELECT 3"]
    assert stats.unparsed_lines == 2
    assert [t.total_bytes for t in stats.temp_files] == [5 * 8192]
