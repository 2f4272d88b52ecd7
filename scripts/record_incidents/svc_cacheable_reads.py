"""Record incident svc-catalog-cacheable-reads: nginx in front of a catalog API recomputing identical reads.

Debian's nginx (reverse proxy, `combined` log format plus $request_time) forwards to `catalog-api`
(threaded WSGI over PostgreSQL). The injected fault: responses that are the same for every user and
change rarely (GET /api/categories, a GROUP BY over 200k products; GET /api/products/{id} for a hot set
of 30 products) are sent with no Cache-Control and nginx has no proxy_cache, so every request goes to the
origin and the database. A per-user endpoint (GET /api/users/{id}/cart) is the control: it must not be
cached at a shared edge.

Writes: access.log (nginx's), schema.sql (pg_dump --schema-only).
Usage: .venv/bin/python scripts/record_incidents/svc_cacheable_reads.py
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import svc_common as common

INCIDENT = "svc-catalog-cacheable-reads"
DATABASE = "incidents_svc_catalog"
NGINX_PORT = common.PORT_BASE + 30  # 18680
ORIGIN_PORT = common.PORT_BASE + 31  # 18681

SCHEMA = """
CREATE TABLE products (
  id bigint PRIMARY KEY,
  category text NOT NULL,
  name text NOT NULL,
  price_cents integer NOT NULL,
  description text NOT NULL
);
CREATE TABLE cart_items (
  user_id bigint NOT NULL,
  product_id bigint NOT NULL REFERENCES products (id),
  quantity integer NOT NULL,
  PRIMARY KEY (user_id, product_id)
);
INSERT INTO products SELECT g, 'category-' || (g % 40), 'Product ' || g, 100 + (g * 37) % 9900,
  repeat('Durable, well made and shipped in recycled packaging. ', 6) FROM generate_series(1, 200000) g;
INSERT INTO cart_items SELECT u, 1 + (u * 7 + i * 13) % 200000, 1 + i % 3
  FROM generate_series(1, 3000) u, generate_series(1, 1 + u % 5) i;
ANALYZE;
"""
CATEGORIES_SQL = (
    "SELECT category, count(*), min(price_cents), max(price_cents) FROM products GROUP BY category ORDER BY 1"
)
PRODUCT_SQL = "SELECT id, category, name, price_cents, description FROM products WHERE id = %s"
CART_SQL = (
    "SELECT p.id, p.name, c.quantity, p.price_cents FROM cart_items c JOIN products p ON p.id = c.product_id"
    " WHERE c.user_id = %s"
)
PRODUCT_ROUTE = re.compile(r"^/api/products/(\d+)$")
CART_ROUTE = re.compile(r"^/api/users/(\d+)/cart$")

NGINX_CONF = """
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 512; }}
http {{
  client_body_temp_path {tmp}/body;
  proxy_temp_path {tmp}/proxy;
  fastcgi_temp_path {tmp}/fastcgi;
  uwsgi_temp_path {tmp}/uwsgi;
  scgi_temp_path {tmp}/scgi;
  log_format timed '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent '
                   '"$http_referer" "$http_user_agent" $request_time';
  access_log {tmp}/access.log timed;
  upstream catalog {{ server 127.0.0.1:{origin}; keepalive 16; }}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://catalog;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }}
  }}
}}
"""

K6_SCRIPT = """
import http from 'k6/http';
export const options = {
  scenarios: {
    baseline: {
      executor: 'constant-arrival-rate', rate: 20, timeUnit: '1s', duration: '90s',
      preAllocatedVUs: 20, maxVUs: 80,
    },
  },
};
const hot = Array.from({ length: 30 }, (_, i) => 1000 + i * 211);
export default function () {
  const r = Math.random();
  if (r < 0.45) {
    http.get(`${__ENV.BASE_URL}/api/categories`);
  } else if (r < 0.85) {
    http.get(`${__ENV.BASE_URL}/api/products/${hot[Math.floor(Math.random() * hot.length)]}`);
  } else {
    http.get(`${__ENV.BASE_URL}/api/users/${1 + Math.floor(Math.random() * 3000)}/cart`);
  }
}
"""

Respond = Callable[[str, list[tuple[str, str]]], Any]


def make_app(dsn: str) -> Callable[[dict[str, Any], Respond], Iterable[bytes]]:
    import psycopg

    local = threading.local()

    def rows(sql: str, *params: Any) -> list[Any]:
        if getattr(local, "conn", None) is None:
            local.conn = psycopg.connect(dsn, autocommit=True)
        return list(local.conn.execute(sql, params).fetchall())

    def app(environ: dict[str, Any], start_response: Respond) -> Iterable[bytes]:
        path = environ["PATH_INFO"]
        body: Any = None
        if path == "/healthz":
            body = {"ok": True}
        elif path == "/api/categories":
            body = [{"category": c, "products": n, "min_cents": lo, "max_cents": hi}
                    for c, n, lo, hi in rows(CATEGORIES_SQL)]
        elif match := PRODUCT_ROUTE.match(path):
            found = rows(PRODUCT_SQL, int(match.group(1)))
            fields = ("id", "category", "name", "price_cents", "description")
            body = dict(zip(fields, found[0], strict=True)) if found else None
        elif match := CART_ROUTE.match(path):
            body = [list(row) for row in rows(CART_SQL, int(match.group(1)))]
        payload = json.dumps(body if body is not None else {"error": "not found"}).encode()
        status = "200 OK" if body is not None else "404 Not Found"
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))])
        return [payload]

    return app


def main() -> int:

    folder = common.incident_dir(INCIDENT)
    dsn = common.pg_database(DATABASE)
    try:
        common.pg_run_script(dsn, SCHEMA)
        (folder / "schema.sql").write_text(common.pg_schema(dsn))
        with tempfile.TemporaryDirectory(prefix="incidents-svc-nginx-") as tmp:
            Path(tmp).chmod(0o755)
            for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
                (Path(tmp) / sub).mkdir(mode=0o777)
                (Path(tmp) / sub).chmod(0o777)
            conf = Path(tmp) / "nginx.conf"
            conf.write_text(NGINX_CONF.format(tmp=tmp, origin=ORIGIN_PORT, port=NGINX_PORT))
            argv = ["/usr/sbin/nginx", "-p", tmp, "-c", str(conf), "-g", "daemon off;"]
            with common.serve_wsgi(make_app(dsn), ORIGIN_PORT) as origin:
                common.wait_http(f"{origin}/healthz")
                edge = f"http://{common.LOOPBACK}:{NGINX_PORT}"
                with common.process(argv, ready_url=f"{edge}/healthz"):
                    common.run_k6(K6_SCRIPT, Path(tmp) / "k6-summary.json", env={"BASE_URL": edge})
            shutil.copy(Path(tmp) / "access.log", folder / "access.log")  # as nginx wrote it
        print(f"{len((folder / 'access.log').read_text().splitlines())} access log lines")
    finally:
        common.pg_drop(DATABASE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
