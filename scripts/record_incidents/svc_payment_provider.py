"""Record incident svc-checkout-slow-payment-provider: a slow external payment provider dominates checkout.

Two loopback services: `checkout-api` (WSGI, traced by the OpenTelemetry SDK's WSGI, psycopg and httpx
instrumentations; PostgreSQL for carts and payments) and a `payment provider` stub standing in for the
third party (not traced: we do not own it). The injected fault: the provider answers POST /v1/charges
after a log-normal delay (median 600 ms, sigma 0.35, seeded), so the CLIENT span to it (peer.service =
payment-provider) is nearly all of POST /checkout, while the database work is a few milliseconds.

Writes: traces.json (OTLP JSON), k6-summary.json (handleSummary data), schema.sql (pg_dump --schema-only).
Usage: .venv/bin/python scripts/record_incidents/svc_payment_provider.py
"""

from __future__ import annotations

import json
import random
import re
import sys
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

import svc_common as common

INCIDENT = "svc-checkout-slow-payment-provider"
DATABASE = "incidents_svc_checkout"
CHECKOUT_PORT = common.PORT_BASE + 1  # 18651
PROVIDER_PORT = common.PORT_BASE + 2  # 18652
SAMPLE_RATIO = 0.3
PROVIDER_MEDIAN_S = 0.6
PROVIDER_SIGMA = 0.35

SCHEMA = """
CREATE TABLE carts (id bigint PRIMARY KEY, customer_id bigint NOT NULL, updated_at timestamptz NOT NULL);
CREATE TABLE cart_items (
  cart_id bigint NOT NULL REFERENCES carts (id),
  sku text NOT NULL,
  quantity integer NOT NULL,
  price_cents integer NOT NULL,
  PRIMARY KEY (cart_id, sku)
);
CREATE TABLE payments (
  id bigserial PRIMARY KEY,
  cart_id bigint NOT NULL REFERENCES carts (id),
  provider_charge_id text NOT NULL,
  amount_cents integer NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payments_cart_id_idx ON payments (cart_id);
INSERT INTO carts SELECT g, g % 700, now() FROM generate_series(1, 2000) g;
INSERT INTO cart_items SELECT c, 'SKU-' || i, 1 + (c + i) % 3, 500 + (c * i) % 4000
  FROM generate_series(1, 2000) c, generate_series(1, 1 + c % 6) i;
ANALYZE;
"""
TOTAL_SQL = "SELECT sum(quantity * price_cents) FROM cart_items WHERE cart_id = %s"
ITEMS_SQL = "SELECT sku, quantity, price_cents FROM cart_items WHERE cart_id = %s"
INSERT_SQL = "INSERT INTO payments (cart_id, provider_charge_id, amount_cents) VALUES (%s, %s, %s)"
CHECKOUT_ROUTE = re.compile(r"^/carts/(\d+)/checkout$")
CART_ROUTE = re.compile(r"^/carts/(\d+)$")

K6_SCRIPT = """
import http from 'k6/http';
export const options = {
  scenarios: {
    baseline: {
      executor: 'constant-arrival-rate', rate: 4, timeUnit: '1s', duration: '60s',
      preAllocatedVUs: 10, maxVUs: 40,
    },
  },
  thresholds: {
    'http_req_duration{name:POST /carts/{id}/checkout}': ['p(95)<800'],
    'http_req_duration{name:GET /carts/{id}}': ['p(95)<100'],
    http_req_failed: ['rate<0.01'],
  },
};
export default function () {
  const id = 1 + Math.floor(Math.random() * 2000);
  if (Math.random() < 0.6) {
    const tags = { name: 'POST /carts/{id}/checkout' };
    http.post(`${__ENV.BASE_URL}/carts/${id}/checkout`, null, { tags });
  } else {
    http.get(`${__ENV.BASE_URL}/carts/${id}`, { tags: { name: 'GET /carts/{id}' } });
  }
}
"""

Respond = Callable[[str, list[tuple[str, str]]], Any]


def json_response(start_response: Respond, status: str, body: Any) -> list[bytes]:
    payload = json.dumps(body).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))])
    return [payload]


def provider_app() -> Callable[[dict[str, Any], Respond], Iterable[bytes]]:
    """The third party: slow charges (the injected fault), a fast health check."""
    rng = random.Random(7)
    lock = threading.Lock()
    counter = iter(range(1, 1_000_000))

    def app(environ: dict[str, Any], start_response: Respond) -> Iterable[bytes]:
        if environ["PATH_INFO"] == "/healthz":
            return json_response(start_response, "200 OK", {"ok": True})
        with lock:
            delay, charge = rng.lognormvariate(0, PROVIDER_SIGMA) * PROVIDER_MEDIAN_S, next(counter)
        time.sleep(delay)
        return json_response(start_response, "201 Created", {"id": f"ch_{charge:08d}", "status": "succeeded"})

    return app


def checkout_app(dsn: str, provider_url: str) -> Callable[[dict[str, Any], Respond], Iterable[bytes]]:
    import httpx
    import psycopg

    local = threading.local()
    client = httpx.Client(base_url=provider_url, timeout=10)

    def connection() -> Any:
        if getattr(local, "conn", None) is None:
            local.conn = psycopg.connect(dsn, autocommit=True)
        return local.conn

    def checkout(cart_id: int) -> dict[str, Any]:
        cur = connection().cursor()
        cur.execute(TOTAL_SQL, (cart_id,))
        total = int(cur.fetchone()[0] or 0)
        charge = client.post("/v1/charges", json={"amount": total, "currency": "eur", "source": "tok_test"})
        charge.raise_for_status()
        charge_id = charge.json()["id"]
        cur.execute(INSERT_SQL, (cart_id, charge_id, total))
        return {"cart": cart_id, "charge": charge_id, "amount_cents": total}

    def cart(cart_id: int) -> dict[str, Any]:
        cur = connection().cursor()
        cur.execute(ITEMS_SQL, (cart_id,))
        return {"cart": cart_id, "items": [list(row) for row in cur.fetchall()]}

    def app(environ: dict[str, Any], start_response: Respond) -> Iterable[bytes]:
        path, method = environ["PATH_INFO"], environ["REQUEST_METHOD"]
        if path == "/healthz":
            return json_response(start_response, "200 OK", {"ok": True})
        if method == "POST" and (match := CHECKOUT_ROUTE.match(path)):
            common.set_route(method, "/carts/{id}/checkout")
            return json_response(start_response, "200 OK", checkout(int(match.group(1))))
        if method == "GET" and (match := CART_ROUTE.match(path)):
            common.set_route(method, "/carts/{id}")
            return json_response(start_response, "200 OK", cart(int(match.group(1))))
        return json_response(start_response, "404 Not Found", {"error": "not found"})

    return app


def peer_service(span: Any, request: Any) -> None:
    """Name the remote service on the CLIENT span (OpenTelemetry leaves peer.service to the user)."""
    if span and span.is_recording():
        span.set_attribute("peer.service", "payment-provider")


def main() -> int:
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
    from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor
    from opentelemetry.instrumentation.wsgi import OpenTelemetryMiddleware

    folder = common.incident_dir(INCIDENT)
    dsn = common.pg_database(DATABASE)
    try:
        common.pg_run_script(dsn, SCHEMA)
        (folder / "schema.sql").write_text(common.pg_schema(dsn))
        _, exporter = common.tracer_provider("checkout-api", sample_ratio=SAMPLE_RATIO)
        PsycopgInstrumentor().instrument()
        HTTPXClientInstrumentor().instrument(request_hook=peer_service)
        with common.serve_wsgi(provider_app(), PROVIDER_PORT) as provider_url:
            common.wait_http(f"{provider_url}/healthz")
            app = OpenTelemetryMiddleware(checkout_app(dsn, provider_url))
            with common.serve_wsgi(app, CHECKOUT_PORT) as base:
                common.wait_http(f"{base}/healthz")
                exporter.clear()
                common.run_k6(K6_SCRIPT, folder / "k6-summary.json", env={"BASE_URL": base})
        count = common.write_otlp_json(exporter.get_finished_spans(), folder / "traces.json")
        print(f"{count} spans; p95 {common.k6_p95(folder / 'k6-summary.json'):.0f} ms")
    finally:
        common.pg_drop(DATABASE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
