"""Record incident svc-stock-upstream-no-keepalive: nginx opens a new upstream connection per request.

Debian's nginx (reverse proxy) forwards to `stock-api`, a small JSON service on Python's standard
library (`http.server.ThreadingHTTPServer`, HTTP/1.1 keep-alive capable, its default listen backlog of
5, a thread per connection). The injected fault is nginx's default upstream behaviour: an `upstream`
block with no `keepalive`, so nginx speaks HTTP/1.0 to the upstream, sends `Connection: close` and opens
a new TCP connection for every request. k6 plays a backend-for-frontend that fetches a page's 12
products in parallel, so connections arrive in bursts of 12-13 while the listen queue holds 6 and one
thread accepts them: the kernel drops the SYNs that do not fit and nginx's connect waits for the SYN
retransmission (1 s, then 2 s on kernels with linear SYN timeouts, else 3 s): `$upstream_connect_time`
in the access log (NGINX's `upstream_time` log format) shows it.

The fix recorded for the after-state: `keepalive 32;` in the upstream block, `proxy_http_version 1.1;`
and `proxy_set_header Connection "";`, the same load.

Writes, into svc-stock-upstream-no-keepalive: nginx.conf (as nginx ran it), access.log (nginx's),
k6-summary.json, measurements.json (request-time percentiles of both runs' access logs); into
svc-stock-upstream-keepalive-healthy, the after-run's nginx.conf, access.log and k6-summary.json.
Usage: .venv/bin/python scripts/record_incidents/svc_upstream_keepalive.py [--seconds N] [--rate R]
"""

from __future__ import annotations

import argparse
import json
import math
import re
import shutil
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import svc_common as common

INCIDENT = "svc-stock-upstream-no-keepalive"
HEALTHY_INCIDENT = "svc-stock-upstream-keepalive-healthy"  # the same service and load after the fix
NGINX_PORT = 18700  # this recorder's ports: 18700-18709 on 127.0.0.1
UPSTREAM_PORT = 18701
WAREHOUSES = 48
RESERVATION_LINES = 500  # reservations scanned per warehouse: ~3 ms of CPU per stock request
PERCENTILES = (("p50", 0.5), ("p95", 0.95), ("p99", 0.99))
STOCK_ROUTE = re.compile(r"^/api/stock/([A-Z0-9-]+)$")

NGINX_CONF = """worker_processes 2;
pid nginx.pid;
error_log error.log warn;
events {{ worker_connections 1024; }}
http {{
  client_body_temp_path body;
  proxy_temp_path proxy;
  fastcgi_temp_path fastcgi;
  uwsgi_temp_path uwsgi;
  scgi_temp_path scgi;
  log_format upstream_time '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent '
                           '"$http_referer" "$http_user_agent" rt=$request_time uct="$upstream_connect_time" '
                           'uht="$upstream_header_time" urt="$upstream_response_time"';
  access_log {log} upstream_time;
  upstream stock_api {{
    server 127.0.0.1:{upstream};{keepalive}
  }}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://stock_api;{proxy_http}
    }}
  }}
}}
"""
KEEPALIVE = "\n    keepalive 32;"
PROXY_HTTP_11 = '\n      proxy_http_version 1.1;\n      proxy_set_header Connection "";'

K6_SCRIPT = """
import http from 'k6/http';
export const options = {
  scenarios: {
    steady: {
      executor: 'constant-arrival-rate', rate: __ENV.RATE, timeUnit: '1s', duration: __ENV.DURATION,
      preAllocatedVUs: 60, maxVUs: 600,
    },
  },
  batchPerHost: 13,
  thresholds: {
    'http_req_duration{name:GET /api/stock/{sku}}': ['p(99)<250'],
    'http_req_duration{name:GET /api/warehouses}': ['p(99)<250'],
  },
};
export default function () {
  // one product-list page: its backend-for-frontend fetches the stock of its 12 products in parallel
  const first = 1 + Math.floor(Math.random() * 5000);
  const batch = Array.from({ length: 12 }, (_, i) => ['GET', `${__ENV.BASE_URL}/api/stock/SKU-${first + i}`,
    null, { tags: { name: 'GET /api/stock/{sku}' } }]);
  if (Math.random() < 0.25) {
    batch.push(['GET', `${__ENV.BASE_URL}/api/warehouses`, null, { tags: { name: 'GET /api/warehouses' } }]);
  }
  http.batch(batch);
}
"""


def _stock(sku: str) -> dict[str, Any]:
    """Per-warehouse availability of one SKU: a few milliseconds of pure-Python work, like a real view."""
    seed = sum(ord(c) for c in sku)
    levels = []
    for w in range(WAREHOUSES):
        on_hand = (seed * 31 + w * 17) % 400
        reserved = sum((seed + w + i) % 7 for i in range(RESERVATION_LINES)) % max(on_hand, 1)
        levels.append({"warehouse": f"WH-{w:02d}", "on_hand": on_hand, "reserved": reserved,
                       "available": on_hand - reserved})
    return {"sku": sku, "available": sum(x["available"] for x in levels), "warehouses": levels}


class StockHandler(BaseHTTPRequestHandler):
    """GET /api/stock/{sku}, GET /api/warehouses, GET /healthz; HTTP/1.1 so connections may be reused."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # TCP_NODELAY: headers and body are two writes (no delayed-ACK stall)

    def do_GET(self) -> None:
        body: Any = None
        if self.path == "/healthz":
            body = {"ok": True}
        elif self.path == "/api/warehouses":
            body = [{"id": f"WH-{w:02d}", "region": ("eu", "us", "ap")[w % 3]} for w in range(WAREHOUSES)]
        elif match := STOCK_ROUTE.match(self.path):
            body = _stock(match.group(1))
        payload = json.dumps(body if body is not None else {"error": "not found"}).encode()
        self.send_response(200 if body is not None else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        return


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def _listen_overflows() -> int:
    """TcpExt ListenOverflows from /proc/net/netstat (machine-wide: other loopback users count too)."""
    lines = Path("/proc/net/netstat").read_text().splitlines()
    for names, values in zip(lines[::2], lines[1::2], strict=False):
        if names.startswith("TcpExt:"):
            return int(dict(zip(names.split()[1:], values.split()[1:], strict=True))["ListenOverflows"])
    return -1


_LINE = re.compile(r'"(?P<method>\S+) (?P<path>\S+) [^"]*" (?P<status>\d{3}) .* rt=(?P<rt>[\d.]+) '
                   r'uct="(?P<uct>[^"]*)" uht="(?P<uht>[^"]*)" urt="(?P<urt>[^"]*)"')


def _summarise(log: Path, summary: Path) -> dict[str, Any]:
    """Request time percentiles per route from nginx's log, connect-time tail, and k6's p95."""
    rows = [m.groupdict() for line in log.read_text().splitlines() if (m := _LINE.search(line))]
    rows = [r for r in rows if r["path"] != "/healthz"]
    routes: dict[str, list[float]] = {}
    for r in rows:
        route = "GET /api/stock/{sku}" if r["path"].startswith("/api/stock/") else f"GET {r['path']}"
        routes.setdefault(route, []).append(float(r["rt"]) * 1000)
    every = [ms for times in routes.values() for ms in times]
    connects = [float(r["uct"]) for r in rows if r["uct"] not in ("", "-")]
    k6 = json.loads(summary.read_text())["metrics"]
    return {
        "requests": len(rows),
        "request_time_ms": {
            name: {p: round(_percentile(times, q), 1) for p, q in PERCENTILES}
            for name, times in {"overall": every, **routes}.items()
        },
        "upstream_connect_over_500ms": sum(1 for c in connects if c >= 0.5),
        "k6_http_req_duration_p95_ms": round(k6["http_req_duration"]["values"]["p(95)"], 1),
        "k6_http_reqs": k6["http_reqs"]["values"]["count"],
        "k6_dropped_iterations": k6.get("dropped_iterations", {}).get("values", {}).get("count", 0),
    }


def _phase(tmp: Path, name: str, keepalive: bool, seconds: int, rate: int) -> dict[str, Any]:
    """Run nginx with (or without) upstream keepalive in front of a fresh upstream, under k6."""
    prefix = tmp / name
    prefix.mkdir(mode=0o755)
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (prefix / sub).mkdir(mode=0o777)
        (prefix / sub).chmod(0o777)
    conf = prefix / "nginx.conf"
    conf.write_text(NGINX_CONF.format(
        log="access.log", upstream=UPSTREAM_PORT, port=NGINX_PORT,
        keepalive=KEEPALIVE if keepalive else "", proxy_http=PROXY_HTTP_11 if keepalive else "",
    ))
    server = ThreadingHTTPServer((common.LOOPBACK, UPSTREAM_PORT), StockHandler)  # stdlib backlog: 5
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        edge = f"http://{common.LOOPBACK}:{NGINX_PORT}"
        argv = ["/usr/sbin/nginx", "-p", f"{prefix}/", "-c", str(conf), "-g", "daemon off;"]
        with common.process(argv, ready_url=f"{edge}/healthz"):
            overflows = _listen_overflows()
            common.run_k6(K6_SCRIPT, prefix / "k6-summary.json",
                          env={"BASE_URL": edge, "RATE": str(rate), "DURATION": f"{seconds}s"})
            overflows = _listen_overflows() - overflows
    finally:
        server.shutdown()
        server.server_close()
    measured = _summarise(prefix / "access.log", prefix / "k6-summary.json")
    measured["listen_overflows_machine_wide"] = overflows
    return measured


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=15, help="k6 duration per phase (15 s: a ~600 KB log)")
    parser.add_argument("--rate", type=int, default=15,
                        help="k6 arrival rate, product-list pages/s (12-13 requests each)")
    args = parser.parse_args()
    folder = common.incident_dir(INCIDENT)
    healthy = common.incident_dir(HEALTHY_INCIDENT)
    with tempfile.TemporaryDirectory(prefix="incidents-svc-keepalive-") as tmp_name:
        tmp = Path(tmp_name)
        tmp.chmod(0o755)
        before = _phase(tmp, "before", False, args.seconds, args.rate)
        after = _phase(tmp, "after", True, args.seconds, args.rate)
        for phase, into in (("before", folder), ("after", healthy)):
            for name in ("nginx.conf", "access.log", "k6-summary.json"):
                shutil.copy(tmp / phase / name, into / name)  # as nginx and k6 wrote them
    measurements = {"seconds": args.seconds, "rate": args.rate, "before": before, "after": after}
    (folder / "measurements.json").write_text(json.dumps(measurements, indent=2) + "\n")
    print(json.dumps(measurements, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
