"""Each workload format: a good file parses into the expected events, malformed lines are counted."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from structlog.testing import capture_logs

from perfpilot.workload.events import ParseStats, QueryEvent
from perfpilot.workload.formats.mysql_slow import parse_mysql_slow
from perfpilot.workload.ingest import iter_events

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "workload"


def _events(name: str, fmt: str = "auto") -> tuple[list[QueryEvent], ParseStats]:
    stats = ParseStats(name)
    return list(iter_events(FIXTURES / name, fmt, stats)), stats


def test_mysql_slow_log_entries() -> None:
    events, stats = _events("mysql_slow.log", "mysql_slow")
    assert stats.unparsed_lines == 0
    assert [e.sql.split()[0] for e in events] == ["SELECT", "SELECT", "UPDATE", "administrator", "ALTER"]
    first, second, third, quit_, fourth = events
    assert quit_.sql == "administrator command: Quit" and quit_.session_id == "13"
    assert first.duration_s == pytest.approx(0.25)
    assert (first.rows_sent, first.rows_examined, first.session_id) == (1, 5000, "11")
    assert first.database == "shop" and first.timestamp == "2026-11-01T10:00:00.100000Z"
    assert first.line == 4
    assert second.sql == "SELECT *\n  FROM orders\n WHERE customer_id=9"
    assert second.session_id == "12" and second.line == 10
    assert third.sql.endswith("IN (1, 2, 3)")
    assert fourth.database == "accounts" and fourth.session_id == "14"


def test_mysql_slow_log_without_time_lines_uses_set_timestamp() -> None:
    text = (
        "# User@Host: a[a] @ localhost []  Id: 3\n"
        "# Query_time: 1.5  Lock_time: 0.0 Rows_sent: 0  Rows_examined: 0\n"
        "SET timestamp=0;\nSELECT 1;\n"
    )
    (event,) = parse_mysql_slow(io.StringIO(text), ParseStats("inline"))
    assert event.timestamp == "1970-01-01T00:00:00Z"
    assert event.duration_s == 1.5 and event.sql == "SELECT 1"


def test_mysql_slow_log_entries_across_chunk_boundaries(monkeypatch: pytest.MonkeyPatch) -> None:
    from perfpilot.workload.formats import mysql_slow

    monkeypatch.setattr(mysql_slow, "_CHUNK", 37)  # cut entries at awkward places
    text = (FIXTURES / "mysql_slow.log").read_text()
    small = list(parse_mysql_slow(io.StringIO(text), ParseStats("chunked")))
    whole, _ = _events("mysql_slow.log", "mysql_slow")
    assert [(e.sql, e.duration_s, e.line, e.session_id) for e in small] == [
        (e.sql, e.duration_s, e.line, e.session_id) for e in whole
    ]


def test_mysql_slow_log_malformed_lines_are_counted_and_logged() -> None:
    with capture_logs() as logs:
        events, stats = _events("mysql_slow_malformed.log", "mysql_slow")
    assert [e.sql for e in events] == ["SELECT 1", "SELECT 2"]
    assert events[0].duration_s is None and events[1].duration_s == 0.5
    assert stats.unparsed_lines == 2
    where = sorted(entry["where"] for entry in logs if entry["event"] == "workload.unparsed_line")
    assert where == ["mysql_slow_malformed.log:1", "mysql_slow_malformed.log:4"]


def test_postgres_log_with_timestamp_and_pid_prefix() -> None:
    events, stats = _events("postgres_m.log", "postgres_log")
    assert stats.unparsed_lines == 0
    assert [e.sql for e in events] == [
        "SELECT * FROM orders WHERE id = 1",
        "SELECT *\nFROM orders\nWHERE id = 2",
        "SELECT name FROM users WHERE id = $1",
    ]
    assert [e.duration_s for e in events] == pytest.approx([0.0125, 0.0075, 0.003])
    assert [e.session_id for e in events] == ["4242", "4242", "4243"]
    assert events[0].timestamp == "2026-11-01 10:00:00.101 UTC"


def test_postgres_log_with_user_db_prefix_and_log_duration_pairs() -> None:
    events, stats = _events("postgres_t.log", "postgres_log")
    assert stats.unparsed_lines == 0
    assert [(e.sql, e.duration_s) for e in events] == [
        ("UPDATE carts SET updated_at = now() WHERE id = 10", pytest.approx(0.02)),
        ("SELECT count(*) FROM carts", pytest.approx(0.03)),
    ]
    assert {e.database for e in events} == {"shop"}
    assert {e.session_id for e in events} == {"5001"}


def test_postgres_log_with_user_at_db_prefix_and_malformed_lines() -> None:
    events, stats = _events("postgres_q.log", "postgres_log")
    assert [e.sql for e in events] == [
        "SELECT * FROM products WHERE sku = 'A-1'",
        "SELECT * FROM products WHERE sku = 'B-2'",
    ]
    assert {e.database for e in events} == {"shop"}
    assert stats.unparsed_lines == 2  # the garbage line and the unreadable duration


def test_pg_stat_statements_csv_rows_are_aggregates() -> None:
    events, stats = _events("pgss.csv", "pg_stat_statements")
    assert [(e.count, e.duration_s, e.rows_sent) for e in events] == [
        (100, pytest.approx(2.5), 300),
        (40, pytest.approx(0.08), 40),
    ]
    assert stats.unparsed_lines == 2


def test_pg_stat_statements_json_with_pg12_total_time() -> None:
    events, stats = _events("pgss_pg12.json", "pg_stat_statements")
    assert [(e.count, e.duration_s) for e in events] == [(10, pytest.approx(0.05)), (4, pytest.approx(0.4))]
    assert stats.unparsed_lines == 1


def test_sql_file_splits_outside_strings_comments_and_dollar_quotes() -> None:
    events, stats = _events("queries.sql", "sql")
    assert stats.unparsed_lines == 0
    assert [e.sql for e in events] == [
        "-- a reporting script; semicolons inside strings and comments do not split\n"
        "SELECT 'a;b' AS x FROM t WHERE note = 'it''s; fine'",
        "/* block; comment */\nSELECT *\n  FROM orders\n WHERE id = 1",
        "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql",
        "SELECT * FROM orders WHERE id = 2",
    ]
    assert [e.line for e in events] == [1, 3, 7, 8]
    assert all(e.duration_s is None for e in events)


def test_sql_file_unterminated_string_is_reported() -> None:
    from perfpilot.workload.formats.sql_file import parse_sql_file

    stats = ParseStats("inline.sql")
    events = list(parse_sql_file(io.StringIO("SELECT 1;\nSELECT 'open\n"), stats))
    assert [e.sql for e in events] == ["SELECT 1", "SELECT 'open"]
    assert stats.unparsed_lines == 1


def test_jsonl_query_log() -> None:
    events, stats = _events("queries.jsonl", "jsonl")
    assert [(e.sql, e.session_id) for e in events] == [
        ("SELECT * FROM products WHERE id = 1", "r1"),
        ("SELECT * FROM reviews WHERE product_id = 1", "r1"),
        ("SELECT * FROM products WHERE id = 2", "s2"),
    ]
    assert [e.duration_s for e in events] == pytest.approx([0.0025, 0.004, 0.0015])
    assert events[0].rows_sent == 1 and events[2].rows_sent is None
    assert stats.unparsed_lines == 3  # not JSON, no statement, non-numeric duration


def test_otlp_database_spans() -> None:
    events, stats = _events("traces.otlp.json", "otlp")
    assert stats.unparsed_lines == 0
    assert [e.sql for e in events] == [
        "SELECT * FROM products WHERE id = 1",
        "SELECT * FROM products WHERE id = 2",
        "SELECT * FROM reviews WHERE product_id = 3",
    ]
    assert [e.duration_s for e in events] == pytest.approx([0.02, 0.005, 0.002])
    assert [e.session_id for e in events] == ["aaaa", "aaaa", "bbbb"]
    assert events[0].database == "shop"


def test_otlp_json_lines_with_a_bad_line(tmp_path: Path) -> None:
    span = (
        '{"resourceSpans": [{"scopeSpans": [{"spans": [{"traceId": "t1", "startTimeUnixNano": "1000",'
        ' "endTimeUnixNano": "2000", "attributes": [{"key": "db.statement", "value": {"stringValue":'
        ' "SELECT 1"}}]}]}]}]}'
    )
    path = tmp_path / "spans.jsonl"
    path.write_text(f"{span}\n{{broken\n{span}\n")
    stats = ParseStats(str(path))
    events = list(iter_events(path, "otlp", stats))
    assert [e.sql for e in events] == ["SELECT 1", "SELECT 1"]
    assert events[0].duration_s == pytest.approx(1e-6)
    assert stats.unparsed_lines == 1


def test_otlp_list_of_requests_on_one_line(tmp_path: Path) -> None:
    request = json.loads((FIXTURES / "traces.otlp.json").read_text())
    path = tmp_path / "spans.json"
    path.write_text(json.dumps([request, request]))
    stats = ParseStats(str(path))
    assert len(list(iter_events(path, "otlp", stats))) == 6 and stats.unparsed_lines == 0
