"""The orders service shared by svc_n_plus_one_orders.py and the healthy baseline: WSGI + psycopg + OTel.

GET /orders/{id} renders an order with its items. With `n_plus_one=True` (the injected fault) it loads
each item's product with its own `SELECT ... FROM products WHERE id = %s`; with False it loads them all
with one `WHERE id = ANY(%s)` (the fix). Every index the queries need exists.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import svc_common as common

SCHEMA = """
CREATE TABLE customers (
  id bigint PRIMARY KEY,
  email text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE TABLE products (
  id bigint PRIMARY KEY,
  sku text NOT NULL UNIQUE,
  name text NOT NULL,
  price_cents integer NOT NULL
);
CREATE TABLE orders (
  id bigint PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers (id),
  status text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX orders_customer_id_idx ON orders (customer_id);
CREATE TABLE order_items (
  id bigint PRIMARY KEY,
  order_id bigint NOT NULL REFERENCES orders (id),
  product_id bigint NOT NULL REFERENCES products (id),
  quantity integer NOT NULL
);
CREATE INDEX order_items_order_id_idx ON order_items (order_id);
"""

# Deterministic data: 5,000 products, 2,000 customers, 4,000 orders of 20-60 items (about 160k items).
SEED = """
SELECT setseed(0.42);
INSERT INTO customers SELECT g, 'customer' || g || '@example.com', now() - g * interval '1 hour'
  FROM generate_series(1, 2000) g;
INSERT INTO products SELECT g, 'SKU-' || lpad(g::text, 6, '0'), 'Product ' || g, 100 + (g * 37) % 9900
  FROM generate_series(1, 5000) g;
INSERT INTO orders SELECT g, 1 + (g * 7919) % 2000, (ARRAY['paid','shipped','delivered'])[1 + g % 3],
  now() - g * interval '10 minutes' FROM generate_series(1, 4000) g;
INSERT INTO order_items (id, order_id, product_id, quantity)
  SELECT row_number() OVER (), o, 1 + ((o * 131 + i * 7907) % 5000), 1 + (o + i) % 4
  FROM generate_series(1, 4000) o, generate_series(1, 20 + (o * 17) % 41) i;
ANALYZE;
"""

ORDER_SQL = "SELECT id, customer_id, status, created_at FROM orders WHERE id = %s"
ITEMS_SQL = "SELECT product_id, quantity FROM order_items WHERE order_id = %s ORDER BY id"
PRODUCT_SQL = "SELECT id, name, price_cents FROM products WHERE id = %s"
PRODUCTS_SQL = "SELECT id, name, price_cents FROM products WHERE id = ANY(%s)"

ORDER_ROUTE = re.compile(r"^/orders/(\d+)$")
PRODUCT_ROUTE = re.compile(r"^/products/(\d+)$")

Respond = Callable[[str, list[tuple[str, str]]], Any]


def create(dsn: str) -> None:
    common.pg_run_script(dsn, SCHEMA + SEED)


def make_app(dsn: str, *, n_plus_one: bool) -> Callable[[dict[str, Any], Respond], Iterable[bytes]]:
    """The WSGI app; call after PsycopgInstrumentor().instrument() so its connections are traced."""
    import psycopg

    local = threading.local()

    def connection() -> Any:
        if getattr(local, "conn", None) is None:
            local.conn = psycopg.connect(dsn, autocommit=True)
        return local.conn

    def order(order_id: int) -> dict[str, Any] | None:
        cur = connection().cursor()
        cur.execute(ORDER_SQL, (order_id,))
        row = cur.fetchone()
        if row is None:
            return None
        cur.execute(ITEMS_SQL, (order_id,))
        items = cur.fetchall()
        if n_plus_one:
            products = {}
            for product_id, _ in items:
                cur.execute(PRODUCT_SQL, (product_id,))
                found = cur.fetchone()
                products[found[0]] = found
        else:
            cur.execute(PRODUCTS_SQL, ([product_id for product_id, _ in items],))
            products = {found[0]: found for found in cur.fetchall()}
        lines = [{"product": products[p][1], "price_cents": products[p][2], "quantity": q} for p, q in items]
        return {"id": row[0], "customer_id": row[1], "status": row[2], "items": lines}

    def product(product_id: int) -> dict[str, Any] | None:
        cur = connection().cursor()
        cur.execute(PRODUCT_SQL, (product_id,))
        row = cur.fetchone()
        return None if row is None else {"id": row[0], "name": row[1], "price_cents": row[2]}

    def app(environ: dict[str, Any], start_response: Respond) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", "/"), environ["REQUEST_METHOD"]
        body: dict[str, Any] | None
        if path == "/healthz":
            body = {"ok": True}
        elif match := ORDER_ROUTE.match(path):
            common.set_route(method, "/orders/{id}")
            body = order(int(match.group(1)))
        elif match := PRODUCT_ROUTE.match(path):
            common.set_route(method, "/products/{id}")
            body = product(int(match.group(1)))
        else:
            body = None
        status = "200 OK" if body is not None else "404 Not Found"
        payload = json.dumps(body if body is not None else {"error": "not found"}).encode()
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))])
        return [payload]

    return app


def record_run(
    *,
    exporter: Any,
    dsn: str,
    port: int,
    k6_script: str,
    n_plus_one: bool,
    summary: Path,
    traces: Path | None,
) -> None:
    """Serve the app (traced by the WSGI middleware), run k6 against it, write the summary and the traces."""
    from opentelemetry.instrumentation.wsgi import OpenTelemetryMiddleware

    app = OpenTelemetryMiddleware(make_app(dsn, n_plus_one=n_plus_one))
    with common.serve_wsgi(app, port) as base:
        common.wait_http(f"{base}/healthz")
        exporter.clear()
        common.run_k6(k6_script, summary, env={"BASE_URL": base})
    if traces is not None:
        count = common.write_otlp_json(exporter.get_finished_spans(), traces)
        print(f"{count} spans -> {traces}")
    print(f"{summary.name}: p95 {common.k6_p95(summary):.1f} ms")
