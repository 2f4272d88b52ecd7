"""N+1 detection from OTLP traces (per endpoint) and from request-tagged query logs (per session)."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

from perfpilot.evidence.otlp import load_otlp
from perfpilot.skills.database_optimization.nplusone.batch_rewrite import batch_rewrite
from perfpilot.skills.database_optimization.nplusone.detect import (
    Statement,
    repeated_shapes,
)
from perfpilot.skills.database_optimization.nplusone.streams import detect_in_streams
from perfpilot.workload.digest import digest_file
from perfpilot.workload.models import WorkloadDigest

TRACES = Path(__file__).resolve().parents[2] / "fixtures" / "database_optimization" / "traces"


def test_trace_fixture_gives_one_n_plus_one_per_endpoint() -> None:
    from perfpilot.skills.database_optimization.nplusone.detect import detect_in_traces

    traces = load_otlp(TRACES / "orders_with_items.json")
    found = detect_in_traces(traces, "sqlite")
    assert len(found) == 1
    n = found[0]
    assert n.scope == "trace" and n.endpoint == "GET /customers/{id}/orders-with-items"
    assert n.fingerprint == "select product_id, quantity, price from order_items where order_id = ?"
    # Independent count from the fixture: item queries per trace, kept where there are at least 5.
    per_trace = [
        sum("order_items" in str(s.attributes.get("db.statement", "")) for s in t.spans) for t in traces
    ]
    kept = [c for c in per_trace if c >= 5]
    assert n.requests == len(kept) and n.calls_max == max(kept)
    assert n.calls_median == statistics.median(kept)
    assert 0 < n.request_share_median < 1
    assert n.parent_example is not None and n.parent_example.startswith("SELECT id, status")
    assert n.rewrite_sql is not None
    assert "JOIN order_items ON order_items.order_id = orders.id" in n.rewrite_sql


def test_threshold_is_configurable() -> None:
    from perfpilot.skills.database_optimization.nplusone.detect import detect_in_traces

    traces = load_otlp(TRACES / "orders_with_items.json")
    assert detect_in_traces(traces, "sqlite", min_repeats=9) == []
    assert detect_in_traces(traces, "sqlite", min_repeats=3)[0].requests == 4


def loaded(log: Path) -> WorkloadDigest:
    """The log's digest as the evidence loader gives it (labelled with its name)."""
    return digest_file(log, "jsonl").model_copy(update={"source": log.name})


def _write_log(path: Path, sessions: dict[str, list[tuple[str, float]]]) -> None:
    with path.open("w") as handle:
        for session, statements in sessions.items():
            for sql, ms in statements:
                handle.write(json.dumps({"request_id": session, "sql": sql, "duration_ms": ms}) + "\n")


def test_session_log_n_plus_one_with_in_list_rewrite(tmp_path: Path) -> None:
    log = tmp_path / "queries.jsonl"
    parent = ("SELECT id, title FROM articles WHERE author_id = 3", 2.0)
    _write_log(log, {
        "r1": [parent, *[(f"SELECT name FROM tags WHERE post_id = {i}", 1.0) for i in range(7)]],
        "r2": [parent, *[(f"SELECT name FROM tags WHERE post_id = {i}", 1.0) for i in range(5)]],
        "r3": [parent, *[(f"SELECT name FROM tags WHERE post_id = {i}", 1.0) for i in range(2)]],
        "r4": [(f"SELECT name FROM tags WHERE post_id = {i}", 1.0) for i in range(9)],
    })
    found = detect_in_streams(loaded(log), "postgres")
    assert len(found) == 1
    n = found[0]
    assert n.scope == "session" and n.endpoint is None
    assert (n.requests, n.calls_median, n.calls_max) == (2, 6.0, 7)
    assert n.request_share_median == round(statistics.median([7 / 9, 5 / 7]), 4)
    assert n.repeated_time_s == 12.0 / 1000
    assert n.source == "queries.jsonl" and n.line == 2
    assert n.rewrite_sql == "SELECT name, post_id FROM tags WHERE post_id IN (:post_id_list)"


def test_events_without_session_ids_are_ignored(tmp_path: Path) -> None:
    log = tmp_path / "plain.jsonl"
    log.write_text("".join(json.dumps({"sql": f"SELECT 1 FROM t WHERE id = {i}"}) + "\n" for i in range(10)))
    assert detect_in_streams(loaded(log), "postgres") == []


def test_repeats_without_a_parent_query_are_not_n_plus_one() -> None:
    statements = [Statement(f"SELECT a FROM t WHERE id = {i}", 0.001) for i in range(6)]
    assert repeated_shapes(statements, "postgres", 5) == []
    with_parent = [Statement("SELECT id FROM p", 0.001), *statements]
    assert [len(burst.calls) for burst in repeated_shapes(with_parent, "postgres", 5)] == [6]


def test_pooled_session_counts_bursts_not_scattered_repeats(tmp_path: Path) -> None:
    """One pooled connection serving three requests: two with a burst of item lookups, and a
    product lookup that recurs across requests but never in a burst."""
    parent = ("SELECT id FROM orders WHERE customer_id = 1", 4.0)
    product = ("SELECT name FROM products WHERE id = 9", 1.0)
    items = [(f"SELECT qty FROM order_items WHERE order_id = {i}", 1.0) for i in range(6)]
    others = [(f"SELECT 1 FROM audit_{i} WHERE k = 2", 0.5) for i in range(6)]
    interleaved = [s for pair in zip(items, others, strict=True) for s in pair]
    statements = [product, parent, *items, product, ("SELECT 1 FROM x", 1.0), product, parent, *interleaved,
                  product, ("SELECT 2 FROM y", 1.0), product, ("SELECT 3 FROM z", 1.0), product]
    log = tmp_path / "pooled.jsonl"
    _write_log(log, {"conn-1": statements})
    found = detect_in_streams(loaded(log), "postgres")
    assert [n.fingerprint for n in found] == ["select qty from order_items where order_id = ?"]
    n = found[0]
    assert (n.requests, n.calls_median, n.calls_max) == (2, 6.0, 6)
    assert n.request_share_median == round(statistics.median([6 / 10, 6 / (4 + 6 + 2.5)]), 4)
    assert n.samples == ["conn-1"]


def test_join_rewrite_when_child_fetches_parent_reference() -> None:
    rewrite = batch_rewrite(
        "SELECT name FROM customers WHERE id = 5",
        "SELECT id, customer_id, total FROM orders o WHERE status = 'paid' LIMIT 50",
        "postgres",
    )
    assert rewrite.sql == (
        "SELECT o.id, customers.name FROM orders AS o JOIN customers ON customers.id = o.customer_id "
        "WHERE o.status = 'paid' LIMIT 50"
    )


def test_logged_calls_far_apart_in_time_are_separate_requests(tmp_path: Path) -> None:
    """Same order of statements twice; only the copy whose calls are milliseconds apart is a burst."""
    log = tmp_path / "timed.jsonl"
    rows = []
    for session, step_s in (("fast", 0.002), ("slow", 2.0)):
        rows.append({"session_id": session, "sql": "SELECT id FROM orders WHERE customer_id = 1",
                     "duration_ms": 1.0, "ts": "2026-01-01T00:00:00+00:00"})
        rows += [{"session_id": session, "sql": f"SELECT qty FROM order_items WHERE order_id = {i}",
                  "duration_ms": 1.0, "ts": f"2026-01-01T00:00:{(i + 1) * step_s:09.6f}+00:00"}
                 for i in range(6)]
    log.write_text("".join(json.dumps(r) + "\n" for r in rows))
    found = detect_in_streams(loaded(log), "postgres")
    assert [(n.requests, n.samples, n.grouped_by) for n in found] == [(1, ["fast"], "connection")]
