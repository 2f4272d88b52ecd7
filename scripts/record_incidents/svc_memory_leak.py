"""Record incident svc-quote-memory-leak-soak: resident memory grows with every request over a short soak.

`quote-api` (threaded WSGI, prometheus_client default process metrics and a request histogram on
/metrics) answers GET /quotes/{id} quickly, but keeps every rendered quote (~48 KiB) in a module-level
dict keyed by a per-request id that is never read again and never evicted (the injected fault: an
unbounded "cache" whose key is unique per request, i.e. a leak). k6 holds 20 requests/s for 150 s; a
real Prometheus server scrapes /metrics every 5 s.

Writes: k6-summary.json, service-metrics.json (Prometheus query_range response), metrics.prom (the last
/metrics scrape). Usage: .venv/bin/python scripts/record_incidents/svc_memory_leak.py
"""

from __future__ import annotations

import json
import re
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any

import svc_common as common

INCIDENT = "svc-quote-memory-leak-soak"
SERVICE_PORT = common.PORT_BASE + 20  # 18670
PROMETHEUS_PORT = common.PORT_BASE + 22  # 18672
SCRAPE_S = 5
QUOTE_BYTES = 48 * 1024
QUOTE_ROUTE = re.compile(r"^/quotes/(\d+)$")

K6_SCRIPT = """
import http from 'k6/http';
export const options = {
  scenarios: {
    soak: {
      executor: 'constant-arrival-rate', rate: 20, timeUnit: '1s', duration: '150s',
      preAllocatedVUs: 20, maxVUs: 60,
    },
  },
  thresholds: {
    'http_req_duration{name:GET /quotes/{id}}': ['p(95)<200'],
    http_req_failed: ['rate<0.01'],
  },
};
export default function () {
  const id = 1 + Math.floor(Math.random() * 500);
  http.get(`${__ENV.BASE_URL}/quotes/${id}`, { tags: { name: 'GET /quotes/{id}' } });
}
"""

SERVICE_QUERY = (
    '{job="quote-api",__name__=~"up|process_resident_memory_bytes|process_virtual_memory_bytes'
    '|process_cpu_seconds_total|http_requests_total|http_request_duration_seconds_(bucket|sum|count)"}'
)

Respond = Callable[[str, list[tuple[str, str]]], Any]
_rendered: dict[str, bytes] = {}  # the leak: written on every request, never read, never evicted
_lock = threading.Lock()


def render(quote_id: int) -> bytes:
    lines = [{"line": n, "sku": f"SKU-{quote_id * 100 + n}", "price_cents": (quote_id * 37 + n) % 9000}
             for n in range(40)]
    document = json.dumps({"quote": quote_id, "lines": lines}).encode()
    padding = (QUOTE_BYTES - len(document)) if len(document) < QUOTE_BYTES else 0
    with _lock:
        _rendered[uuid.uuid4().hex] = document + bytes(padding)
    return document


def make_app() -> Callable[[dict[str, Any], Respond], Iterable[bytes]]:
    from prometheus_client import Counter, Histogram, make_wsgi_app

    requests = Counter("http_requests", "HTTP requests", ["method", "route", "status"])
    latency = Histogram(
        "http_request_duration_seconds", "HTTP request latency", ["method", "route"],
        buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
    )
    metrics_app = make_wsgi_app()

    def app(environ: dict[str, Any], start_response: Respond) -> Iterable[bytes]:
        path, method = environ["PATH_INFO"], environ["REQUEST_METHOD"]
        if path == "/metrics":
            return metrics_app(environ, start_response)  # type: ignore[no-any-return]
        if path == "/healthz":
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"ok"]
        started = time.perf_counter()
        match = QUOTE_ROUTE.match(path)
        route, status = ("/quotes/{id}", "200") if match else ("unmatched", "404")
        payload = render(int(match.group(1))) if match else b'{"error": "not found"}'
        start_response(f"{status} {'OK' if match else 'Not Found'}", [("Content-Type", "application/json")])
        latency.labels(method, route).observe(time.perf_counter() - started)
        requests.labels(method, route, status).inc()
        return [payload]

    return app


def main() -> int:
    folder = common.incident_dir(INCIDENT)
    with common.serve_wsgi(make_app(), SERVICE_PORT) as base:
        common.wait_http(f"{base}/healthz")
        jobs = {"quote-api": f"{common.LOOPBACK}:{SERVICE_PORT}"}
        with common.prometheus(PROMETHEUS_PORT, jobs, SCRAPE_S) as prom:
            time.sleep(2 * SCRAPE_S)
            start = time.time() - SCRAPE_S
            common.run_k6(K6_SCRIPT, folder / "k6-summary.json", env={"BASE_URL": base})
            time.sleep(2 * SCRAPE_S)
            end = time.time()
            body = common.query_range(prom, SERVICE_QUERY, start, end, SCRAPE_S)
            (folder / "service-metrics.json").write_text(body)
        (folder / "metrics.prom").write_text(common.scrape(f"{base}/metrics"))
    print(f"p95 {common.k6_p95(folder / 'k6-summary.json'):.0f} ms; {len(_rendered)} quotes retained")
    return 0


if __name__ == "__main__":
    sys.exit(main())
