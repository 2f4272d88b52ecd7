"""Record incident svc-rates-overprovisioned: a fast service on instances far bigger than it uses.

`rates-api` (threaded WSGI, prometheus_client default process metrics and a request histogram) answers
GET /rates/{pair} from memory in about a millisecond. k6 holds 10 requests/s for 170 s; a real
Prometheus server scrapes the service every 5 s. (No node_exporter: the recording host is a shared 2-vCPU
machine kept busy by other workloads, so its node-level CPU is not this service's; the service's own
process metrics are.) The injected
fault is in the inventory the script writes: the service is declared to run on 4 x m5.4xlarge (16 vCPU,
64 GiB each), with the utilisation columns computed from what was measured here (the process's CPU
seconds per second over 16 vCPU; its resident memory over 64 GiB). Latency is fine.

Writes: k6-summary.json, service-metrics.json (a Prometheus query_range response), inventory.yaml.
Usage: .venv/bin/python scripts/record_incidents/svc_overprovisioned.py
"""

from __future__ import annotations

import itertools
import json
import re
import sys
import time
from collections.abc import Callable, Iterable
from typing import Any

import svc_common as common

INCIDENT = "svc-rates-overprovisioned"
SERVICE_PORT = common.PORT_BASE + 45  # 18695
PROMETHEUS_PORT = common.PORT_BASE + 47  # 18697
SCRAPE_S = 5
DECLARED: dict[str, Any] = {
    "instance_type": "m5.4xlarge", "count": 4, "vcpu": 16, "memory_gib": 64, "hourly_usd": 0.768,
}
RATE_ROUTE = re.compile(r"^/rates/([A-Z]{3})-([A-Z]{3})$")

K6_SCRIPT = """
import http from 'k6/http';
export const options = {
  scenarios: {
    baseline: {
      executor: 'constant-arrival-rate', rate: 10, timeUnit: '1s', duration: '170s',
      preAllocatedVUs: 10, maxVUs: 40,
    },
  },
  thresholds: {
    'http_req_duration{name:GET /rates/{pair}}': ['p(95)<200'],
    http_req_failed: ['rate<0.01'],
  },
};
const pairs = ['EUR-USD', 'USD-JPY', 'GBP-USD', 'EUR-CHF', 'AUD-NZD', 'USD-CAD'];
export default function () {
  const pair = pairs[Math.floor(Math.random() * pairs.length)];
  http.get(`${__ENV.BASE_URL}/rates/${pair}`, { tags: { name: 'GET /rates/{pair}' } });
}
"""

SERVICE_QUERY = (
    '{job="rates-api",__name__=~"up|process_cpu_seconds_total|process_resident_memory_bytes'
    '|http_requests_total|http_request_duration_seconds_(bucket|sum|count)"}'
)

Respond = Callable[[str, list[tuple[str, str]]], Any]
RATES = {("EUR", "USD"): 1.0842, ("USD", "JPY"): 151.2, ("GBP", "USD"): 1.2711, ("EUR", "CHF"): 0.9561,
         ("AUD", "NZD"): 1.0893, ("USD", "CAD"): 1.3578}


def make_app() -> Callable[[dict[str, Any], Respond], Iterable[bytes]]:
    from prometheus_client import Counter, Histogram, make_wsgi_app

    requests = Counter("http_requests", "HTTP requests", ["method", "route", "status"])
    latency = Histogram(
        "http_request_duration_seconds", "HTTP request latency", ["method", "route"],
        buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5),
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
        match = RATE_ROUTE.match(path)
        rate = RATES.get((match.group(1), match.group(2))) if match else None
        route, status = ("/rates/{pair}", "200") if rate else ("unmatched", "404")
        payload = json.dumps({"pair": path.rsplit("/", 1)[-1], "rate": rate}).encode()
        start_response(f"{status} {'OK' if rate else 'Not Found'}", [("Content-Type", "application/json")])
        latency.labels(method, route).observe(time.perf_counter() - started)
        requests.labels(method, route, status).inc()
        return [payload]

    return app


def utilisation(query_range_body: str) -> dict[str, float]:
    """cpu_util_avg/p95 and mem_util_avg/p95 of the declared instance from the recorded process series."""
    series = {r["metric"]["__name__"]: r["values"] for r in json.loads(query_range_body)["data"]["result"]
              if r["metric"]["__name__"] in ("process_cpu_seconds_total", "process_resident_memory_bytes")}
    cpu = [(float(t), float(v)) for t, v in series["process_cpu_seconds_total"]]
    cores = sorted((v2 - v1) / (t2 - t1) for (t1, v1), (t2, v2) in itertools.pairwise(cpu))
    rss = sorted(float(v) for _, v in series["process_resident_memory_bytes"])

    def p95(values: list[float]) -> float:
        return values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]

    memory = DECLARED["memory_gib"] * 2**30
    return {
        "cpu_util_avg": round(sum(cores) / len(cores) / DECLARED["vcpu"], 4),
        "cpu_util_p95": round(p95(cores) / DECLARED["vcpu"], 4),
        "mem_util_avg": round(sum(rss) / len(rss) / memory, 4),
        "mem_util_p95": round(p95(rss) / memory, 4),
    }


INVENTORY = """# rates-api's fleet as declared (the injected fault: far bigger than needed).
# Utilisation columns were computed by scripts/record_incidents/svc_overprovisioned.py from
# service-metrics.json: the process's CPU seconds per second over {vcpu} vCPU, and its resident
# memory over {memory_gib} GiB.
instances:
  - name: rates-api
    role: app
    instance_type: {instance_type}
    count: {count}
    vcpu: {vcpu}
    memory_gib: {memory_gib}
    hourly_usd: {hourly_usd}
    cpu_util_avg: {cpu_util_avg}
    cpu_util_p95: {cpu_util_p95}
    mem_util_avg: {mem_util_avg}
    mem_util_p95: {mem_util_p95}
"""


def main() -> int:
    folder = common.incident_dir(INCIDENT)
    with common.serve_wsgi(make_app(), SERVICE_PORT) as base:
        common.wait_http(f"{base}/healthz")
        jobs = {"rates-api": f"{common.LOOPBACK}:{SERVICE_PORT}"}
        with common.prometheus(PROMETHEUS_PORT, jobs, SCRAPE_S) as prom:
            time.sleep(2 * SCRAPE_S)
            start = time.time() - SCRAPE_S
            common.run_k6(K6_SCRIPT, folder / "k6-summary.json", env={"BASE_URL": base})
            time.sleep(2 * SCRAPE_S)
            end = time.time()
            service = common.query_range(prom, SERVICE_QUERY, start, end, SCRAPE_S)
            (folder / "service-metrics.json").write_text(service)
    (folder / "inventory.yaml").write_text(INVENTORY.format(**DECLARED, **utilisation(service)))
    print(f"p95 {common.k6_p95(folder / 'k6-summary.json'):.1f} ms; {utilisation(service)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
