"""Record incident svc-quote-chatty-pricing-calls: one HTTP call to the pricing service per basket item.

Two real services, each in its own process and traced by its own OpenTelemetry SDK TracerProvider, W3C
trace context propagated over loopback HTTP:
- `storefront-api` (WSGI, threaded; psycopg over PostgreSQL for baskets; httpx to the pricing service).
  GET /baskets/{id}/quote reads the basket's 8-30 items in one query, then - the injected fault - prices
  them with one GET /prices/{sku} call per item, one after another (N+1 over HTTP). GET /baskets/{id}
  only reads the items.
- `pricing-service` (WSGI, threaded, in-memory price book), which we own: GET /prices/{sku} and the
  batch endpoint POST /prices/batch ({"skus": [...]}) that the fix uses.
k6 drives a constant-arrival-rate baseline; then the same load runs against the fixed storefront (one
POST /prices/batch per quote) to measure the after-state.

Writes: traces.json (OTLP JSON, both services' resource spans), k6-summary.json, schema.sql
(pg_dump --schema-only), after-fix-k6-summary.json.
Usage: .venv/bin/python scripts/record_incidents/svc_chatty_pricing.py
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import svc_common as common

INCIDENT = "svc-quote-chatty-pricing-calls"
DATABASE = "incidents_svc_storefront"
STOREFRONT_PORT = 18950  # this recorder's ports: 18950-18951 on 127.0.0.1
PRICING_PORT = 18951
SAMPLE_RATIO = 0.05  # head sampling in the storefront; the pricing service follows the parent's decision
SKUS = 5000

SCHEMA = """
CREATE TABLE baskets (id bigint PRIMARY KEY, customer_id bigint NOT NULL, updated_at timestamptz NOT NULL);
CREATE TABLE basket_items (
  basket_id bigint NOT NULL REFERENCES baskets (id),
  sku text NOT NULL,
  quantity integer NOT NULL,
  PRIMARY KEY (basket_id, sku)
);
INSERT INTO baskets SELECT g, g % 900, now() FROM generate_series(1, 3000) g;
INSERT INTO basket_items
  SELECT b, 'SKU-' || lpad((1 + (b * 37 + i * 101) % 5000)::text, 5, '0'), 1 + (b + i) % 3
  FROM generate_series(1, 3000) b, generate_series(1, 8 + b % 23) i ON CONFLICT DO NOTHING;
ANALYZE;
"""
ITEMS_SQL = "SELECT sku, quantity FROM basket_items WHERE basket_id = %s ORDER BY sku"
QUOTE_ROUTE = re.compile(r"^/baskets/(\d+)/quote$")
BASKET_ROUTE = re.compile(r"^/baskets/(\d+)$")
PRICE_ROUTE = re.compile(r"^/prices/(SKU-\d+)$")

K6_SCRIPT = """
import http from 'k6/http';
export const options = {
  scenarios: {
    baseline: {
      executor: 'constant-arrival-rate', rate: 8, timeUnit: '1s', duration: '60s',
      preAllocatedVUs: 20, maxVUs: 60,
    },
  },
  thresholds: {
    'http_req_duration{name:GET /baskets/{id}/quote}': ['p(95)<60'],
    'http_req_duration{name:GET /baskets/{id}}': ['p(95)<60'],
    http_req_failed: ['rate<0.01'],
  },
};
export default function () {
  const id = 1 + Math.floor(Math.random() * 3000);
  if (Math.random() < 0.7) {
    http.get(`${__ENV.BASE_URL}/baskets/${id}/quote`, { tags: { name: 'GET /baskets/{id}/quote' } });
  } else {
    http.get(`${__ENV.BASE_URL}/baskets/${id}`, { tags: { name: 'GET /baskets/{id}' } });
  }
}
"""

Respond = Callable[[str, list[tuple[str, str]]], Any]


def untraced_health(traced: Callable[..., Iterable[bytes]], plain: Callable[..., Iterable[bytes]]) -> Any:
    """Serve /healthz outside the tracing middleware, as instrumentations' excluded-URL lists do."""

    def app(environ: dict[str, Any], start_response: Respond) -> Iterable[bytes]:
        return (plain if environ["PATH_INFO"] == "/healthz" else traced)(environ, start_response)

    return app


def json_response(start_response: Respond, status: str, body: Any) -> list[bytes]:
    payload = json.dumps(body).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))])
    return [payload]


# --- pricing-service (its own process) --------------------------------------------------------------------


def price_book() -> dict[str, int]:
    return {f"SKU-{n:05d}": 199 + (n * 7919) % 9800 for n in range(1, SKUS + 1)}


def pricing_app() -> Callable[[dict[str, Any], Respond], Iterable[bytes]]:
    prices = price_book()

    def app(environ: dict[str, Any], start_response: Respond) -> Iterable[bytes]:
        path, method = environ["PATH_INFO"], environ["REQUEST_METHOD"]
        if path == "/healthz":
            return json_response(start_response, "200 OK", {"ok": True})
        if method == "GET" and (match := PRICE_ROUTE.match(path)):
            common.set_route(method, "/prices/{sku}")
            sku = match.group(1)
            return json_response(start_response, "200 OK", {"sku": sku, "unit_cents": prices[sku]})
        if method == "POST" and path == "/prices/batch":
            common.set_route(method, "/prices/batch")
            size = int(environ.get("CONTENT_LENGTH") or 0)
            skus = json.loads(environ["wsgi.input"].read(size))["skus"]
            body = {"prices": [{"sku": s, "unit_cents": prices[s]} for s in skus]}
            return json_response(start_response, "200 OK", body)
        return json_response(start_response, "404 Not Found", {"error": "not found"})

    return app


def serve_pricing(port: int, spans_out: Path) -> int:
    """The pricing-service process: serve until SIGTERM, then write its finished spans as OTLP JSON."""
    from opentelemetry.instrumentation.wsgi import OpenTelemetryMiddleware

    _, exporter = common.tracer_provider("pricing-service")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    plain = pricing_app()
    with common.serve_wsgi(untraced_health(OpenTelemetryMiddleware(plain), plain), port):
        stop.wait()
    common.write_otlp_json(exporter.get_finished_spans(), spans_out)
    return 0


# --- storefront-api ----------------------------------------------------------------------------------------


def storefront_app(dsn: str, pricing_url: str, *, chatty: bool) -> Callable[..., Iterable[bytes]]:
    import httpx
    import psycopg

    local = threading.local()
    client = httpx.Client(base_url=pricing_url, timeout=10)

    def connection() -> Any:
        if getattr(local, "conn", None) is None:
            local.conn = psycopg.connect(dsn, autocommit=True)
        return local.conn

    def items(basket_id: int) -> list[tuple[str, int]]:
        cur = connection().cursor()
        cur.execute(ITEMS_SQL, (basket_id,))
        return [(sku, quantity) for sku, quantity in cur.fetchall()]

    def unit_prices(skus: list[str]) -> dict[str, int]:
        if chatty:  # the injected fault: one call per item
            return {sku: client.get(f"/prices/{sku}").raise_for_status().json()["unit_cents"] for sku in skus}
        answer = client.post("/prices/batch", json={"skus": skus}).raise_for_status().json()
        return {p["sku"]: p["unit_cents"] for p in answer["prices"]}

    def quote(basket_id: int) -> dict[str, Any]:
        lines = items(basket_id)
        prices = unit_prices([sku for sku, _ in lines])
        total = sum(prices[sku] * quantity for sku, quantity in lines)
        return {"basket": basket_id, "lines": len(lines), "total_cents": total}

    def app(environ: dict[str, Any], start_response: Respond) -> Iterable[bytes]:
        path, method = environ["PATH_INFO"], environ["REQUEST_METHOD"]
        if path == "/healthz":
            return json_response(start_response, "200 OK", {"ok": True})
        if method == "GET" and (match := QUOTE_ROUTE.match(path)):
            common.set_route(method, "/baskets/{id}/quote")
            return json_response(start_response, "200 OK", quote(int(match.group(1))))
        if method == "GET" and (match := BASKET_ROUTE.match(path)):
            common.set_route(method, "/baskets/{id}")
            body = {"basket": int(match.group(1)), "items": items(int(match.group(1)))}
            return json_response(start_response, "200 OK", body)
        return json_response(start_response, "404 Not Found", {"error": "not found"})

    return app


def peer_service(span: Any, request: Any) -> None:
    """Name the called service on the CLIENT span (OpenTelemetry leaves peer.service to the user)."""
    if span and span.is_recording():
        span.set_attribute("peer.service", "pricing-service")


def merge_otlp_json(paths: list[Path], out: Path) -> None:
    """One ExportTraceServiceRequest holding every service's resource spans (what a collector forwards)."""
    from google.protobuf import json_format
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

    merged = ExportTraceServiceRequest()
    for path in paths:
        merged.resource_spans.extend(
            json_format.Parse(path.read_text(), ExportTraceServiceRequest()).resource_spans
        )
    out.write_text(json_format.MessageToJson(merged, indent=None) + "\n")


def record_run(dsn: str, exporter: Any, folder: Path, *, chatty: bool, summary: Path) -> Path | None:
    """One k6 run against storefront + pricing; returns the pricing spans file when traces are kept."""
    from opentelemetry.instrumentation.wsgi import OpenTelemetryMiddleware

    pricing_spans = folder / ".pricing-spans.json"
    argv = [sys.executable, __file__, "--serve-pricing", str(PRICING_PORT), str(pricing_spans)]
    pricing = subprocess.Popen(argv, cwd=Path(__file__).parent)
    try:
        pricing_url = f"http://{common.LOOPBACK}:{PRICING_PORT}"
        common.wait_http(f"{pricing_url}/healthz")
        plain = storefront_app(dsn, pricing_url, chatty=chatty)
        with common.serve_wsgi(
            untraced_health(OpenTelemetryMiddleware(plain), plain), STOREFRONT_PORT
        ) as base:
            common.wait_http(f"{base}/healthz")
            exporter.clear()
            common.run_k6(K6_SCRIPT, summary, env={"BASE_URL": base})
    finally:
        pricing.send_signal(signal.SIGTERM)
        pricing.wait(timeout=60)
    if chatty:
        return pricing_spans
    pricing_spans.unlink(missing_ok=True)  # the after-run is measured by k6; its traces are not kept
    return None


def main() -> int:
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
    from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor

    folder = common.incident_dir(INCIDENT)
    dsn = common.pg_database(DATABASE)
    try:
        common.pg_run_script(dsn, SCHEMA)
        (folder / "schema.sql").write_text(common.pg_schema(dsn))
        _, exporter = common.tracer_provider("storefront-api", sample_ratio=SAMPLE_RATIO)
        PsycopgInstrumentor().instrument()
        HTTPXClientInstrumentor().instrument(request_hook=peer_service)
        pricing_spans = record_run(dsn, exporter, folder, chatty=True, summary=folder / "k6-summary.json")
        storefront_spans = folder / ".storefront-spans.json"
        count = common.write_otlp_json(exporter.get_finished_spans(), storefront_spans)
        assert pricing_spans is not None
        merge_otlp_json([storefront_spans, pricing_spans], folder / "traces.json")
        storefront_spans.unlink()
        pricing_spans.unlink()
        time.sleep(2)
        record_run(dsn, exporter, folder, chatty=False, summary=folder / "after-fix-k6-summary.json")
        for name in ("k6-summary.json", "after-fix-k6-summary.json"):
            data = json.loads((folder / name).read_text())["metrics"]
            quote = data["http_req_duration{name:GET /baskets/{id}/quote}"]["values"]
            print(
                f"{name}: quote p95 {quote['p(95)']:.1f} ms, overall p95 "
                f"{data['http_req_duration']['values']['p(95)']:.1f} ms"
            )
        print(f"{count} storefront spans kept")
    finally:
        common.pg_drop(DATABASE)
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--serve-pricing":
        sys.exit(serve_pricing(int(sys.argv[2]), Path(sys.argv[3])))
    sys.exit(main())
