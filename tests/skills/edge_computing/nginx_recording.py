"""Record an access log written by a real nginx (Debian) in front of a small origin, on loopback.

The origin answers each route with the caching headers of a common case: shared data with an ETag
and no Cache-Control (categories), public max-age with Last-Modified (products), per-user data that
sets a cookie and is private (cart), data whose ETag changes every few requests (prices), a response
to an Authorization request (reports), a cacheable search whose links carry tracking parameters, and
no-store (stream). nginx logs JSON lines with the caching headers; Authorization, Cookie and Set-Cookie
only as presence (nginx `map`), never their values. Nothing here imports perfpilot.

Usage: .venv/bin/python -m tests.skills.edge_computing.nginx_recording OUT_FILE [PORT]
(writes nginx's access.log to OUT_FILE; the tests call `record` with free loopback ports).
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SECRET_TOKEN = "Bearer s3cr3t-token-value"
SECRET_COOKIE = "session=abcdef0123456789"

LOG_FORMAT = (
    "log_format perfpilot_cache escape=json '{\"time\":\"$msec\",\"method\":\"$request_method\","
    "\"path\":\"$request_uri\",\"status\":\"$status\",\"body_bytes_sent\":\"$body_bytes_sent\","
    "\"request_time\":\"$request_time\",\"upstream_cache_status\":\"$upstream_cache_status\","
    "\"sent_http_cache_control\":\"$sent_http_cache_control\",\"sent_http_expires\":\"$sent_http_expires\","
    "\"sent_http_etag\":\"$sent_http_etag\",\"sent_http_last_modified\":\"$sent_http_last_modified\","
    "\"sent_http_vary\":\"$sent_http_vary\",\"set_cookie\":\"$perfpilot_set_cookie\","
    "\"authorization\":\"$perfpilot_authorization\",\"cookie\":\"$perfpilot_cookie\"}';"
)
"""The log_format SKILL.md documents: caching headers by value, secrets by presence."""

NGINX_CONF = """
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 64; }}
http {{
  client_body_temp_path {tmp}/body;
  proxy_temp_path {tmp}/proxy;
  fastcgi_temp_path {tmp}/fastcgi;
  uwsgi_temp_path {tmp}/uwsgi;
  scgi_temp_path {tmp}/scgi;
  map $http_authorization $perfpilot_authorization {{ "" 0; default 1; }}
  map $http_cookie $perfpilot_cookie {{ "" 0; default 1; }}
  map $upstream_http_set_cookie $perfpilot_set_cookie {{ "" 0; default 1; }}
  {log_format}
  access_log {tmp}/access.log perfpilot_cache;
  upstream origin {{ server 127.0.0.1:{origin}; }}
  server {{
    listen 127.0.0.1:{port};
    location / {{ proxy_pass http://origin; }}
  }}
}}
"""


class _Origin(BaseHTTPRequestHandler):
    """The origin: headers by route; bodies the same for everyone except the per-user cart."""

    prices_served = 0
    lock = threading.Lock()

    def log_message(self, format: str, *args: object) -> None:  # quiet
        return

    def _send(self, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        parts = path.strip("/").split("/")
        if path == "/api/categories":
            self._send(b'{"categories": ["%s"]}' % (b'", "'.join(b"c%d" % i for i in range(400))),
                       {"ETag": '"cat-v1"'})
        elif parts[:2] == ["api", "products"]:
            self._send(b'{"id": "%s", "name": "%s"}' % (parts[2].encode(), b"x" * 1500),
                       {"Cache-Control": "public, max-age=30",
                        "Last-Modified": "Sun, 06 Dec 2026 12:00:00 GMT"})
        elif parts[:2] == ["api", "users"]:
            self._send(b'{"user": "%s", "items": []}' % parts[2].encode() + b" " * 1200,
                       {"Cache-Control": "private, max-age=0", "Set-Cookie": f"{SECRET_COOKIE}; HttpOnly"})
        elif path == "/api/prices":
            with self.lock:
                _Origin.prices_served += 1
                version = _Origin.prices_served // 10
            self._send(b'{"version": %d, "prices": "%s"}' % (version, b"p" * 1500),
                       {"ETag": f'"prices-{version}"', "Cache-Control": "public, max-age=60"})
        elif path == "/api/reports/daily":
            self._send(b'{"report": "daily", "pad": "%s"}' % (b"m" * 1500), {"ETag": '"report-1"'})
        elif path == "/api/search":
            self._send(b'{"results": "%s"}' % (b"r" * 2000),
                       {"Cache-Control": "public, max-age=120", "Vary": "Accept-Encoding", "ETag": '"s-1"'})
        elif path == "/api/stream":
            self._send(b'{"tick": "%s"}' % (b"t" * 1500), {"Cache-Control": "no-store"})
        else:
            self.send_error(404)


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


REQUESTS: tuple[tuple[str, dict[str, str]], ...] = tuple(
    request
    for i in range(40)
    for request in (
        ("/api/categories", {}),
        (f"/api/products/{100 + i % 4}", {}),
        (f"/api/users/{i % 5}/cart", {"Cookie": SECRET_COOKIE}),
        ("/api/prices", {}),
        ("/api/reports/daily", {"Authorization": SECRET_TOKEN}),
        (f"/api/search?q=oak&utm_source=mail{i % 3}", {}),
        ("/api/stream", {}),
    )
)
"""280 requests: 40 rounds over the seven routes, in a fixed order."""


@contextlib.contextmanager
def _origin(port: int) -> Iterator[None]:
    server = ThreadingHTTPServer(("127.0.0.1", port), _Origin)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()


def _wait_listening(port: int, proc: subprocess.Popen[bytes], deadline_s: float = 10.0) -> None:
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"nginx exited with {proc.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return
        time.sleep(0.05)
    raise RuntimeError("nginx did not start listening")


def record(nginx: str, out: Path, port: int | None = None, origin_port: int | None = None) -> Path:
    """Run nginx in front of the origin on loopback, send REQUESTS through it, copy nginx's access log
    to `out`. Bounded: 280 requests, each with a 5 s timeout."""
    port, origin_port = port or free_port(), origin_port or free_port()
    _Origin.prices_served = 0
    with tempfile.TemporaryDirectory(prefix="perfpilot-nginx-") as tmp, _origin(origin_port):
        conf = Path(tmp) / "nginx.conf"
        conf.write_text(NGINX_CONF.format(tmp=tmp, port=port, origin=origin_port, log_format=LOG_FORMAT))
        proc = subprocess.Popen(
            [nginx, "-p", tmp, "-c", str(conf), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            _wait_listening(port, proc)
            for path, headers in REQUESTS:
                request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
                with urllib.request.urlopen(request, timeout=5) as response:
                    response.read()
                time.sleep(0.01)
        finally:
            proc.terminate()
            proc.wait(timeout=10)
        out.write_bytes((Path(tmp) / "access.log").read_bytes())  # as nginx wrote it
    return out


if __name__ == "__main__":
    target = Path(sys.argv[1])
    listen = int(sys.argv[2]) if len(sys.argv) > 2 else None
    print(record("/usr/sbin/nginx", target, listen, listen + 1 if listen else None))
