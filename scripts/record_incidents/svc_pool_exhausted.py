"""Record incident svc-ledger-pool-exhausted: requests queue for a too-small database connection pool.

`ledger-api` (threaded WSGI, one thread per request) takes connections from a psycopg_pool
ConnectionPool of max_size 2 (the injected fault) and holds one, inside its transaction, across a call to
an internal FX-rates service that answers in ~25 ms (fast: not a bottleneck by itself). The queries are
fast and indexed. Under k6 (65 requests/s for 60 s) requests wait for a connection: in the OpenTelemetry
traces the SERVER span is long while its psycopg and httpx CLIENT spans are short, the wait sitting before
the first query; the pool's own statistics (psycopg_pool get_stats(), exported with prometheus_client)
count the queued requests and the time they waited. Then the same load runs against max_size 16 (one
fix; releasing the connection before the call is the other) to measure the after-state.

Writes: traces.json (OTLP JSON), k6-summary.json, metrics.prom (the last /metrics scrape), schema.sql
(pg_dump --schema-only), after-fix-k6-summary.json.
Usage: .venv/bin/python scripts/record_incidents/svc_pool_exhausted.py
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import svc_common as common

INCIDENT = "svc-ledger-pool-exhausted"
DATABASE = "incidents_svc_ledger"
PORT = common.PORT_BASE + 5  # 18655
FX_PORT = common.PORT_BASE + 6  # 18656
FX_DELAY_S = 0.025
SAMPLE_RATIO = 0.05
POOL_SIZE = 2
FIXED_POOL_SIZE = 16

SCHEMA = """
CREATE TABLE accounts (id bigint PRIMARY KEY, owner text NOT NULL, opened_at timestamptz NOT NULL);
CREATE TABLE transactions (
  id bigint PRIMARY KEY,
  account_id bigint NOT NULL REFERENCES accounts (id),
  amount_cents integer NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX transactions_account_created_idx ON transactions (account_id, created_at);
INSERT INTO accounts SELECT g, 'owner-' || g, now() - g * interval '1 day' FROM generate_series(1, 2000) g;
INSERT INTO transactions SELECT g, 1 + g % 2000, ((g * 7919) % 20000) - 10000,
  now() - (g % 5000) * interval '1 hour' FROM generate_series(1, 200000) g;
ANALYZE;
"""
RECENT_SQL = (
    "SELECT id, amount_cents, created_at FROM transactions WHERE account_id = %s"
    " ORDER BY created_at DESC LIMIT 50"
)
BALANCE_SQL = "SELECT coalesce(sum(amount_cents), 0) FROM transactions WHERE account_id = %s"
STATEMENT_ROUTE = re.compile(r"^/accounts/(\d+)/statement$")

K6_SCRIPT = """
import http from 'k6/http';
export const options = {
  scenarios: {
    baseline: {
      executor: 'constant-arrival-rate', rate: 65, timeUnit: '1s', duration: '60s',
      preAllocatedVUs: 40, maxVUs: 120,
    },
  },
  thresholds: {
    'http_req_duration{name:GET /accounts/{id}/statement}': ['p(95)<150'],
    http_req_failed: ['rate<0.01'],
  },
};
export default function () {
  const id = 1 + Math.floor(Math.random() * 2000);
  const tags = { name: 'GET /accounts/{id}/statement' };
  http.get(`${__ENV.BASE_URL}/accounts/${id}/statement`, { tags, timeout: '10s' });
}
"""

Respond = Callable[[str, list[tuple[str, str]]], Any]


def peer_service(span: Any, request: Any) -> None:
    """Name the remote service on the CLIENT span (OpenTelemetry leaves peer.service to the user)."""
    if span and span.is_recording():
        span.set_attribute("peer.service", "fx-rates")


def pool_collector(pool: Any) -> Any:
    """prometheus_client collector over psycopg_pool's get_stats(), as a pool exporter would expose it."""
    from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

    class PoolCollector:
        def collect(self) -> Iterator[Any]:
            stats = pool.get_stats()
            gauges = (
                ("db_pool_max_size", "Pool max_size", pool.max_size),
                ("db_pool_connections", "Connections open", stats.get("pool_size", 0)),
                ("db_pool_available", "Connections idle in the pool", stats.get("pool_available", 0)),
                ("db_pool_requests_waiting", "Requests waiting for a connection now",
                 stats.get("requests_waiting", 0)),
            )
            counters = (
                ("db_pool_requests", "Connection requests", stats.get("requests_num", 0)),
                ("db_pool_requests_queued", "Connection requests that had to wait",
                 stats.get("requests_queued", 0)),
                ("db_pool_requests_wait_seconds", "Time requests waited for a connection",
                 stats.get("requests_wait_ms", 0) / 1000),
                ("db_pool_requests_timeouts", "Connection requests that failed",
                 stats.get("requests_errors", 0)),
            )
            for name, help_text, value in gauges:
                yield GaugeMetricFamily(name, help_text, value=value)
            for name, help_text, value in counters:
                yield CounterMetricFamily(name, help_text, value=value)

    return PoolCollector()


def fx_app(environ: dict[str, Any], start_response: Respond) -> Iterable[bytes]:
    """The internal FX-rates service: a fixed, fast answer after FX_DELAY_S."""
    time.sleep(FX_DELAY_S)
    start_response("200 OK", [("Content-Type", "application/json")])
    return [b'{"base": "EUR", "rates": {"USD": 1.0842, "GBP": 0.8531}}']


def render(account_id: int, rows: list[Any], balance: int, rates: dict[str, Any]) -> bytes:
    lines = [{"id": r[0], "amount_cents": r[1], "at": r[2].isoformat()} for r in rows]
    document = {"account": account_id, "balance_cents": balance, "lines": lines, "fx": rates["rates"]}
    return json.dumps(document).encode()


def make_app(pool: Any, fx_url: str) -> Callable[[dict[str, Any], Respond], Iterable[bytes]]:
    import httpx
    from prometheus_client import CollectorRegistry, make_wsgi_app

    fx = httpx.Client(base_url=fx_url, timeout=5)

    registry = CollectorRegistry()
    registry.register(pool_collector(pool))
    metrics_app = make_wsgi_app(registry)

    def app(environ: dict[str, Any], start_response: Respond) -> Iterable[bytes]:
        path, method = environ["PATH_INFO"], environ["REQUEST_METHOD"]
        if path == "/metrics":
            return metrics_app(environ, start_response)  # type: ignore[no-any-return]
        if path == "/healthz":
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"ok"]
        match = STATEMENT_ROUTE.match(path)
        if not match:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found"]
        common.set_route(method, "/accounts/{id}/statement")
        account_id = int(match.group(1))
        with pool.connection() as conn, conn.transaction():  # held across the FX call: the fault
            rows = conn.execute(RECENT_SQL, (account_id,)).fetchall()
            balance = int(conn.execute(BALANCE_SQL, (account_id,)).fetchone()[0])
            rates = fx.get("/v1/rates", params={"base": "EUR"}).json()
        payload = render(account_id, rows, balance, rates)
        headers = [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))]
        start_response("200 OK", headers)
        return [payload]

    return app


def run(
    exporter: Any, dsn: str, pool_size: int, summary: Path, traces: Path | None, metrics: Path | None
) -> None:
    from opentelemetry.instrumentation.wsgi import OpenTelemetryMiddleware
    from psycopg_pool import ConnectionPool

    with ConnectionPool(dsn, min_size=pool_size, max_size=pool_size, timeout=10,
                        kwargs={"autocommit": True}) as pool, common.serve_wsgi(fx_app, FX_PORT) as fx_url:
        pool.wait()
        common.wait_http(f"{fx_url}/healthz")
        with common.serve_wsgi(OpenTelemetryMiddleware(make_app(pool, fx_url)), PORT) as base:
            common.wait_http(f"{base}/healthz")
            exporter.clear()
            common.run_k6(K6_SCRIPT, summary, env={"BASE_URL": base})
            if metrics is not None:
                metrics.write_text(common.scrape(f"{base}/metrics"))
    if traces is not None:
        print(f"{common.write_otlp_json(exporter.get_finished_spans(), traces)} spans -> {traces}")
    print(f"pool {pool_size}: p95 {common.k6_p95(summary):.1f} ms")


def main() -> int:
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
    from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor

    folder = common.incident_dir(INCIDENT)
    dsn = common.pg_database(DATABASE)
    try:
        common.pg_run_script(dsn, SCHEMA)
        (folder / "schema.sql").write_text(common.pg_schema(dsn))
        _, exporter = common.tracer_provider("ledger-api", sample_ratio=SAMPLE_RATIO)
        PsycopgInstrumentor().instrument()
        HTTPXClientInstrumentor().instrument(request_hook=peer_service)
        run(exporter, dsn, POOL_SIZE, folder / "k6-summary.json", folder / "traces.json",
            folder / "metrics.prom")
        run(exporter, dsn, FIXED_POOL_SIZE, folder / "after-fix-k6-summary.json", None, None)
    finally:
        common.pg_drop(DATABASE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
