"""Record the two thin-evidence incidents: too little was measured to decide anything.

svc-thin-k6-three-requests: k6 sends exactly 3 requests (1 VU, 3 iterations) to `pricing-api`; its
handleSummary data is the only evidence. svc-thin-counters-scrape: one scrape of a service instrumented
with counters only (requests by route and status, no latency histogram, no process collector): a single
snapshot of cumulative counts, with no window to turn them into rates and nothing about latency.

The service behind both answers GET /prices/{sku} in a few milliseconds: there is no fault to find, but
the evidence cannot show that either. Usage: .venv/bin/python scripts/record_incidents/svc_thin_evidence.py
"""

from __future__ import annotations

import json
import random
import re
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import svc_common as common

K6_INCIDENT = "svc-thin-k6-three-requests"
SCRAPE_INCIDENT = "svc-thin-counters-scrape"
PORT = common.PORT_BASE + 40  # 18690
PRICE_ROUTE = re.compile(r"^/prices/([A-Z0-9-]+)$")

K6_SCRIPT = """
import http from 'k6/http';
export const options = { vus: 1, iterations: 3 };
export default function () {
  http.get(`${__ENV.BASE_URL}/prices/SKU-${100 + __ITER}`, { tags: { name: 'GET /prices/{sku}' } });
}
"""

Respond = Callable[[str, list[tuple[str, str]]], Any]


def make_app() -> Callable[[dict[str, Any], Respond], Iterable[bytes]]:
    """pricing-api with counters only, in its own registry (no process or platform collectors)."""
    from prometheus_client import CollectorRegistry, Counter, make_wsgi_app

    registry = CollectorRegistry()
    requests = Counter("http_requests", "HTTP requests", ["method", "route", "status"], registry=registry)
    cache_misses = Counter("price_cache_misses", "Price lookups that missed the cache", registry=registry)
    metrics_app = make_wsgi_app(registry)
    rng = random.Random(3)

    def app(environ: dict[str, Any], start_response: Respond) -> Iterable[bytes]:
        path, method = environ["PATH_INFO"], environ["REQUEST_METHOD"]
        if path == "/metrics":
            return metrics_app(environ, start_response)  # type: ignore[no-any-return]
        if path == "/healthz":
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"ok"]
        match = PRICE_ROUTE.match(path)
        if not match:
            requests.labels(method, "unmatched", "404").inc()
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found"]
        if rng.random() < 0.1:
            cache_misses.inc()
        requests.labels(method, "/prices/{sku}", "200").inc()
        payload = json.dumps({"sku": match.group(1), "price_cents": 1999}).encode()
        start_response("200 OK", [("Content-Type", "application/json")])
        return [payload]

    return app


K6_TRAFFIC = """
import http from 'k6/http';
export const options = { scenarios: { traffic: {
  executor: 'constant-arrival-rate', rate: 10, timeUnit: '1s', duration: '30s', preAllocatedVUs: 5 } } };
export default function () {
  http.get(`${__ENV.BASE_URL}/prices/SKU-${100 + Math.floor(Math.random() * 50)}`);
}
"""


def main() -> int:
    k6_folder = common.incident_dir(K6_INCIDENT)
    scrape_folder = common.incident_dir(SCRAPE_INCIDENT)
    with common.serve_wsgi(make_app(), PORT) as base:
        common.wait_http(f"{base}/healthz")
        common.run_k6(K6_SCRIPT, k6_folder / "k6-summary.json", env={"BASE_URL": base})
        with tempfile.TemporaryDirectory() as tmp:  # traffic for the counters; its summary is not kept
            common.run_k6(K6_TRAFFIC, Path(tmp) / "summary.json", env={"BASE_URL": base})
        (scrape_folder / "metrics.prom").write_text(common.scrape(f"{base}/metrics"))
    print("k6 p95 of 3 requests:", round(common.k6_p95(k6_folder / "k6-summary.json"), 1), "ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
