"""Digest aggregation: counts, totals, p95 against an exact computation, ranking, redaction, tables."""

from __future__ import annotations

import math
import random
from pathlib import Path

import pytest

from perfpilot.workload.digest import digest_events, digest_file
from perfpilot.workload.events import QueryEvent
from perfpilot.workload.fingerprint import fingerprint, fingerprint_id
from perfpilot.workload.quantiles import ALPHA, EXACT_LIMIT, QuantileSketch

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "workload"


def _exact_p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


def test_counts_totals_and_p95_match_an_exact_computation() -> None:
    rng = random.Random(11)
    templates = ["SELECT * FROM a WHERE id = {}", "UPDATE b SET x = {} WHERE id = 1", "SELECT {} FROM c"]
    events, expected = [], {}
    for _ in range(900):
        template = templates[rng.randrange(3)]
        duration = rng.lognormvariate(-4, 1)
        sql = template.format(rng.randint(1, 999))
        events.append(QueryEvent(sql, duration, rows_examined=2, rows_sent=1))
        expected.setdefault(fingerprint(template.format(0)), []).append(duration)
    digest = digest_events(events, "memory", "jsonl")
    assert digest.total_count == 900
    assert digest.total_time_s == pytest.approx(sum(sum(v) for v in expected.values()))
    for shape in digest.queries:
        values = expected[shape.fingerprint]
        assert shape.count == len(values)
        assert shape.total_time_s == pytest.approx(sum(values))
        assert shape.mean_time_s == pytest.approx(sum(values) / len(values))
        assert shape.max_time_s == max(values)
        assert shape.p95_time_s == _exact_p95(values)  # below EXACT_LIMIT samples: exact
        assert shape.rows_examined == 2 * len(values) and shape.rows_sent == len(values)
        assert shape.share == pytest.approx(sum(values) / digest.total_time_s)
        assert shape.id == fingerprint_id(shape.fingerprint)
    totals = [q.total_time_s for q in digest.queries]
    assert totals == sorted(totals, reverse=True)


def test_sketch_p95_stays_within_its_error_bound_past_the_exact_limit() -> None:
    rng = random.Random(5)
    values = [rng.lognormvariate(-3, 1.5) for _ in range(EXACT_LIMIT * 20)]
    sketch = QuantileSketch()
    for value in values:
        sketch.add(value)
    for q in (0.5, 0.95, 0.99):
        exact = sorted(values)[math.ceil(q * len(values)) - 1]
        assert abs(sketch.quantile(q) - exact) <= ALPHA * exact


def test_weighted_values_count_as_repeated_samples() -> None:
    sketch = QuantileSketch()
    sketch.add(1.0, 90)
    sketch.add(10.0, 10)
    assert sketch.quantile(0.9) == 1.0
    assert sketch.quantile(0.95) == 10.0
    big = QuantileSketch()
    big.add(0.5, 10_000)
    big.add(2.0, 10_000)
    assert big.quantile(0.95) == pytest.approx(2.0, rel=ALPHA)


def test_ranking_ties_break_by_count_then_fingerprint() -> None:
    events = [
        QueryEvent("SELECT * FROM b", 1.0),
        QueryEvent("SELECT * FROM a", 1.0),
        QueryEvent("SELECT * FROM c", 0.5),
        QueryEvent("SELECT * FROM c", 0.5),
        QueryEvent("SELECT * FROM d", 3.0),
    ]
    digest = digest_events(events, "memory", "sql")
    assert [q.fingerprint for q in digest.queries] == [
        "select * from d",
        "select * from c",
        "select * from a",
        "select * from b",
    ]
    assert [q.fingerprint for q in digest_events(events, "memory", "sql", top=2).queries] == [
        "select * from d",
        "select * from c",
    ]


def test_example_is_the_slowest_statement_with_secrets_redacted() -> None:
    events = [
        QueryEvent("ALTER USER 'app'@'%' IDENTIFIED BY 'short'", 0.1),
        QueryEvent("ALTER USER 'app'@'%' IDENTIFIED BY 'hunter2'", 0.9),
        QueryEvent("SET PASSWORD = PASSWORD('old-secret')", 0.2),
    ]
    digest = digest_events(events, "memory", "mysql_slow")
    examples = {q.fingerprint: q.example for q in digest.queries}
    assert examples["alter user ?@? identified by ?"] == "ALTER USER 'app'@'%' IDENTIFIED BY '***'"
    assert "old-secret" not in " ".join(examples.values())
    assert all("hunter2" not in q.model_dump_json() for q in digest.queries)


def test_digest_file_reads_a_slow_log_end_to_end() -> None:
    digest = digest_file(FIXTURES / "mysql_slow.log")
    assert digest.format == "mysql_slow" and digest.unparsed_lines == 0
    assert digest.total_count == 5  # the `# administrator command: Quit;` entry counts, as its own class
    top = digest.queries[0]
    assert top.fingerprint == "select * from orders where customer_id = ?"
    assert top.count == 2 and top.total_time_s == pytest.approx(1.0)
    assert top.rows_examined == 13000 and top.rows_sent == 3
    assert top.example == "SELECT *\n  FROM orders\n WHERE customer_id=9"
    assert (top.first_seen, top.last_seen) == ("2026-11-01T10:00:00.100000Z", "2026-11-01T10:00:01.000000Z")
    assert top.tables == ["orders"]
    assert "s3cr3t-pass" not in digest.model_dump_json()


def test_aggregate_rows_weight_the_digest() -> None:
    digest = digest_file(FIXTURES / "pgss.csv")
    assert digest.unparsed_lines == 2
    assert digest.total_count == 140
    first = digest.queries[0]
    assert first.count == 100 and first.mean_time_s == pytest.approx(0.025)
    assert first.tables == ["orders"]


def test_untimed_sql_file_digest() -> None:
    digest = digest_file(FIXTURES / "queries.sql")
    assert digest.total_time_s == 0
    assert sum(q.count for q in digest.queries) == 4
    ids = {q.fingerprint: q.count for q in digest.queries}
    assert ids["select * from orders where id = ?"] == 2


def test_tables_from_joins_updates_and_inserts() -> None:
    events = [
        QueryEvent("SELECT * FROM a JOIN b ON b.id = a.b_id LEFT JOIN s.c ON true", 0.1),
        QueryEvent("UPDATE d SET x = 1", 0.1),
        QueryEvent("INSERT INTO e (x) SELECT y FROM f", 0.1),
        QueryEvent("SELECT extract(year from created_at) FROM g", 0.1),
    ]
    found = [name for q in digest_events(events, "m", "sql").queries for name in q.tables]
    assert sorted(found) == ["a", "b", "d", "e", "f", "g", "s.c"]
