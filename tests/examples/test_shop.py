"""The shop API: each endpoint's answer, the query log, the N+1 loop, /metrics and the access log."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest
from shop.app import create_app
from shop.querylog import inline_params
from starlette.testclient import TestClient

from perfpilot.evidence.access_log import load_access_log
from perfpilot.evidence.prometheus import parse_prometheus_text


def _rows(db: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def _client(db: Path, paths: dict[str, Path]) -> TestClient:
    return TestClient(create_app(db, query_log=paths["query_log"], access_log=paths["access_log"]))


def _query_log(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.fixture(scope="module")
def busy_customer(small_db: Path) -> int:
    """A customer with at least three orders."""
    sql = "SELECT customer_id FROM orders GROUP BY customer_id HAVING count(*) >= 3"
    return int(_rows(small_db, sql)[0][0])


def test_endpoints_answer_what_the_database_holds(
    small_db: Path, shop_paths: dict[str, Path], busy_customer: int
) -> None:
    with _client(small_db, shop_paths) as client:
        assert client.get("/healthz").text == "ok"

        product = client.get("/products/7").json()
        stored = _rows(small_db, "SELECT id, name, price FROM products WHERE id = 7")
        assert [(product["id"], product["name"], product["price"])] == stored
        assert client.get("/products/999999").status_code == 404

        orders = client.get(f"/customers/{busy_customer}/orders").json()
        expected = _rows(
            small_db,
            "SELECT order_id, count(*) FROM order_items WHERE order_id IN "
            "(SELECT id FROM orders WHERE customer_id = ?) GROUP BY order_id",
            (busy_customer,),
        )
        assert sorted((o["id"], o["items"]) for o in orders) == sorted(expected)
        assert [o["created_at"] for o in orders] == sorted((o["created_at"] for o in orders), reverse=True)

        latest_paid = client.get("/orders/by-status", params={"status": "paid", "limit": 5}).json()
        paid = _rows(small_db, "SELECT id, created_at FROM orders WHERE status = 'paid'")
        newest = sorted(paid, key=lambda r: r[1], reverse=True)[:5]
        assert [o["id"] for o in latest_paid] == [r[0] for r in newest]
        assert client.get("/orders/by-status", params={"status": "lost"}).status_code == 400

        found = client.get("/products/search", params={"q": "oak"}).json()
        assert found and all("oak" in p["name"].lower() for p in found)
        assert client.get("/products/search", params={"q": ""}).status_code == 400


def test_top_products_ranks_by_revenue(small_db: Path, shop_paths: dict[str, Path]) -> None:
    revenue: defaultdict[int, float] = defaultdict(float)
    for product_id, quantity, price in _rows(small_db, "SELECT product_id, quantity, price FROM order_items"):
        revenue[product_id] += quantity * price
    expected = sorted(revenue, key=lambda pid: revenue[pid], reverse=True)[:10]
    with _client(small_db, shop_paths) as client:
        top = client.get("/stats/top-products").json()
    assert [p["id"] for p in top] == expected
    assert top[0]["revenue"] == pytest.approx(revenue[expected[0]], abs=0.01)


def test_query_log_lines_carry_the_documented_fields(small_db: Path, shop_paths: dict[str, Path]) -> None:
    with _client(small_db, shop_paths) as client:
        client.get("/products/search", params={"q": "O'Brien"}, headers={"X-Request-ID": "req-42"})
        client.get("/products/3")
    first, second = _query_log(shop_paths["query_log"])
    assert set(first) == {"ts", "request_id", "sql", "duration_ms", "rows", "endpoint"}
    assert first["request_id"] == "req-42"
    assert first["endpoint"] == "/products/search"
    assert "LIKE '%' || 'O''Brien' || '%'" in first["sql"]
    assert first["rows"] == 0 and first["duration_ms"] >= 0
    assert second["endpoint"] == "/products/{id}" and second["sql"].endswith("WHERE id = 3")
    assert second["request_id"] not in ("", "req-42")
    assert second["ts"].endswith("+00:00")


def test_inline_params_quotes_strings_and_leaves_quoted_question_marks() -> None:
    sql = "SELECT '?' FROM t WHERE a = ? AND b = ? AND c = ? AND d = ?"
    assert inline_params(sql, ("it's", 3, None, 1.5)) == (
        "SELECT '?' FROM t WHERE a = 'it''s' AND b = 3 AND c = NULL AND d = 1.5"
    )


def test_orders_with_items_issues_one_query_per_order(
    small_db: Path, shop_paths: dict[str, Path], busy_customer: int
) -> None:
    with _client(small_db, shop_paths) as client:
        orders = client.get(
            f"/customers/{busy_customer}/orders-with-items", headers={"X-Request-ID": "n-plus-one"}
        ).json()
    statements = [e["sql"] for e in _query_log(shop_paths["query_log"]) if e["request_id"] == "n-plus-one"]
    assert len(orders) >= 3
    assert len(statements) == 1 + len(orders)
    assert f"WHERE customer_id = {busy_customer}" in statements[0]
    assert [s.rsplit("= ", 1)[1] for s in statements[1:]] == [str(o["id"]) for o in orders]
    for order in orders:
        items = _rows(small_db, "SELECT product_id FROM order_items WHERE order_id = ?", (order["id"],))
        assert sorted(i["product_id"] for i in order["items"]) == sorted(r[0] for r in items)


def test_metrics_count_the_requests_made(small_db: Path, shop_paths: dict[str, Path]) -> None:
    made = Counter(
        {("/products/{id}", "200"): 3, ("/products/{id}", "404"): 1, ("/orders/by-status", "400"): 2}
    )
    with _client(small_db, shop_paths) as client:
        for pid in (1, 2, 3, 999999):
            client.get(f"/products/{pid}")
        for _ in range(2):
            client.get("/orders/by-status?status=nope")
        response = client.get("/metrics")
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    samples = parse_prometheus_text(response.text, "/metrics")
    by_name = defaultdict(list)
    for sample in samples:
        by_name[sample.name].append(sample)

    def per_route(name: str, **match: str) -> dict[tuple[str, str], float]:
        chosen = [s for s in by_name[name] if match.items() <= s.labels.items()]
        return {(s.labels["route"], s.labels["status"]): s.value for s in chosen}

    assert per_route("http_requests_total") == made
    assert per_route("http_request_duration_seconds_count") == made
    assert per_route("http_request_duration_seconds_bucket", le="+Inf") == made
    queries = {s.labels["route"]: s.value for s in by_name["db_query_duration_seconds_count"]}
    assert queries == {"/products/{id}": 4}  # bad requests never reach the database
    assert by_name["process_cpu_seconds_total"][0].value > 0
    assert by_name["process_resident_memory_bytes"][0].value > 1_000_000

    promtool = shutil.which("promtool")
    if promtool:
        check = subprocess.run(
            [promtool, "check", "metrics"], input=response.text, capture_output=True, text=True, check=False
        )
        assert check.returncode == 0, check.stdout + check.stderr


def test_access_log_is_combined_format_with_request_time(small_db: Path, shop_paths: dict[str, Path]) -> None:
    with _client(small_db, shop_paths) as client:
        client.get("/products/5", headers={"User-Agent": 'agent "quoted"', "Referer": "http://x/"})
        client.get("/products/search?q=lamp&limit=3")
        client.get("/nowhere")
    entries = load_access_log(shop_paths["access_log"])
    assert [(e.method, e.path, e.status) for e in entries] == [
        ("GET", "/products/5", 200), ("GET", "/products/search?q=lamp&limit=3", 200), ("GET", "/nowhere", 404)
    ]
    assert all(e.duration_ms is not None and e.bytes_sent for e in entries)
    assert '"http://x/" "agent \\"quoted\\""' in shop_paths["access_log"].read_text()
