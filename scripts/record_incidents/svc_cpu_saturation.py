"""Record incident svc-report-cpu-saturation: a CPU-bound single-process service under a k6 stress ramp.

`report-api` is one Python process (threaded WSGI server, so the GIL lets it use about one core) whose
GET /reports/{id} does ~20 ms of pure-Python arithmetic per request (the injected fault: CPU-bound work
in a single process). It exposes prometheus_client's default process metrics and a request histogram on
/metrics. A real Prometheus server scrapes it and Debian's prometheus-node-exporter every 2 s while k6
ramps the arrival rate from 5 to 80 requests/s; the query_range responses are written as Prometheus
returned them.

Writes: k6-summary.json, service-metrics.json and node-metrics.json (Prometheus query_range responses),
metrics.prom (a last /metrics scrape). Usage: .venv/bin/python scripts/record_incidents/svc_cpu_saturation.py
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable, Iterable
from typing import Any

import svc_common as common

INCIDENT = "svc-report-cpu-saturation"
SERVICE_PORT = common.PORT_BASE + 10  # 18660
NODE_PORT = common.PORT_BASE + 11  # 18661
PROMETHEUS_PORT = common.PORT_BASE + 12  # 18662
SCRAPE_S = 2
STEP_S = 5
WORK_ITERATIONS = 240_000  # about 20 ms of CPU per request on the recording host
REPORT_ROUTE = re.compile(r"^/reports/(\d+)$")

K6_SCRIPT = """
import http from 'k6/http';
export const options = {
  scenarios: {
    stress: {
      executor: 'ramping-arrival-rate', startRate: 5, timeUnit: '1s',
      preAllocatedVUs: 50, maxVUs: 200,
      stages: [
        { target: 10, duration: '20s' },
        { target: 80, duration: '100s' },
        { target: 80, duration: '20s' },
      ],
    },
  },
  thresholds: {
    'http_req_duration{name:GET /reports/{id}}': ['p(95)<250'],
    http_req_failed: ['rate<0.01'],
  },
};
export default function () {
  const id = 1 + Math.floor(Math.random() * 10000);
  http.get(`${__ENV.BASE_URL}/reports/${id}`, { tags: { name: 'GET /reports/{id}' }, timeout: '10s' });
}
"""

SERVICE_QUERY = (
    '{job="report-api",__name__=~"up|process_cpu_seconds_total|process_resident_memory_bytes'
    '|http_requests_total|http_request_duration_seconds_(bucket|sum|count)"}'
)
NODE_QUERY = (
    '{job="node",__name__=~"node_cpu_seconds_total|node_load1'
    '|node_memory_MemAvailable_bytes|node_memory_MemTotal_bytes"}'
)

Respond = Callable[[str, list[tuple[str, str]]], Any]


def report(report_id: int) -> bytes:
    """The CPU-bound handler: a running checksum over WORK_ITERATIONS steps in pure Python."""
    total = report_id
    for step in range(WORK_ITERATIONS):
        total = (total * 31 + step) % 1_000_003
    return f'{{"report": {report_id}, "checksum": {total}}}'.encode()


def make_app() -> Callable[[dict[str, Any], Respond], Iterable[bytes]]:
    from prometheus_client import Counter, Histogram, make_wsgi_app

    requests = Counter("http_requests", "HTTP requests", ["method", "route", "status"])
    latency = Histogram(
        "http_request_duration_seconds", "HTTP request latency", ["method", "route"],
        buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
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
        match = REPORT_ROUTE.match(path)
        route = "/reports/{id}" if match else "unmatched"
        status = "200" if match else "404"
        payload = report(int(match.group(1))) if match else b'{"error": "not found"}'
        start_response(f"{status} {'OK' if match else 'Not Found'}", [("Content-Type", "application/json")])
        latency.labels(method, route).observe(time.perf_counter() - started)
        requests.labels(method, route, status).inc()
        return [payload]

    return app


def main() -> int:
    folder = common.incident_dir(INCIDENT)
    with common.serve_wsgi(make_app(), SERVICE_PORT) as base, common.node_exporter(NODE_PORT) as node:
        common.wait_http(f"{base}/healthz")
        jobs = {"report-api": f"{common.LOOPBACK}:{SERVICE_PORT}", "node": node}
        with common.prometheus(PROMETHEUS_PORT, jobs, SCRAPE_S) as prom:
            time.sleep(3 * SCRAPE_S)
            start = time.time()
            common.run_k6(K6_SCRIPT, folder / "k6-summary.json", env={"BASE_URL": base})
            time.sleep(2 * SCRAPE_S)
            end = time.time()
            for name, query in (("service-metrics.json", SERVICE_QUERY), ("node-metrics.json", NODE_QUERY)):
                (folder / name).write_text(common.query_range(prom, query, start, end, STEP_S))
        (folder / "metrics.prom").write_text(common.scrape(f"{base}/metrics"))
    print(f"p95 {common.k6_p95(folder / 'k6-summary.json'):.0f} ms over {end - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
