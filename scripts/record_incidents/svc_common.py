"""Shared parts of the svc_* recorders: loopback servers, OTLP JSON export, k6, Prometheus, node_exporter.

Nothing here imports perfpilot: the recorders run real components and write what those components write.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

ROOT = Path(__file__).resolve().parents[2]
INCIDENTS = Path(os.environ.get("RECORD_INCIDENTS_DIR", ROOT / "perfpilot" / "evals" / "incidents"))
VENV_BIN = Path(sys.executable).parent
PORT_BASE = 18650  # this recorder's ports: 18650-18699, all bound to 127.0.0.1
PG_ADMIN_DSN = os.environ.get(
    "RECORD_PG_DSN", "postgresql://perfpilot:perfpilot@127.0.0.1:5432/perfpilot_test"
)
LOOPBACK = "127.0.0.1"


def incident_dir(incident_id: str) -> Path:
    folder = INCIDENTS / incident_id
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# --- WSGI servers -----------------------------------------------------------------------------------


class ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    """wsgiref's server, one thread per request (like a threaded gunicorn worker)."""

    daemon_threads = True
    request_queue_size = 128


class QuietHandler(WSGIRequestHandler):
    """No per-request stderr line: access logs, where wanted, are written by nginx or the app."""

    def log_message(self, format: str, *args: Any) -> None:
        return


@contextlib.contextmanager
def serve_wsgi(app: Callable[..., Any], port: int, *, threaded: bool = True) -> Iterator[str]:
    """Serve a WSGI app on 127.0.0.1:port in a background thread; yield its base URL."""
    server_class = ThreadingWSGIServer if threaded else WSGIServer
    server = make_server(LOOPBACK, port, app, server_class=server_class, handler_class=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{LOOPBACK}:{port}"
    finally:
        server.shutdown()
        server.server_close()


def wait_http(url: str, timeout_s: float = 20.0) -> None:
    """Poll url until it answers 2xx (a readiness check)."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if 200 <= response.status < 300:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not become ready in {timeout_s} s")
        time.sleep(0.2)


@contextlib.contextmanager
def process(
    argv: Sequence[str], ready_url: str | None = None, **kwargs: Any
) -> Iterator[subprocess.Popen[bytes]]:
    """Run a helper process (node_exporter, prometheus, nginx) and stop exactly that process after."""
    proc = subprocess.Popen(list(argv), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kwargs)
    try:
        if ready_url:
            wait_http(ready_url)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# --- OpenTelemetry ------------------------------------------------------------------------------------


def tracer_provider(service: str, *, sample_ratio: float = 1.0) -> tuple[Any, Any]:
    """A real SDK TracerProvider for `service`, spans kept in memory; returns (provider, exporter)."""
    from opentelemetry import trace
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
    from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased

    resource = Resource.create(
        {"service.name": service, "service.version": "1.4.2", "deployment.environment": "staging"}
    )
    provider = TracerProvider(resource=resource, sampler=ParentBased(TraceIdRatioBased(sample_ratio)))
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    return provider, exporter


def write_otlp_json(spans: Sequence[Any], path: Path) -> int:
    """Encode finished SDK spans with the OTLP exporter's encoder and write protobuf's JSON mapping."""
    from google.protobuf import json_format
    from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans

    request = encode_spans(list(spans))
    path.write_text(json_format.MessageToJson(request, indent=None) + "\n")
    return len(spans)


def set_route(method: str, route: str) -> None:
    """Name the server span after its route, as framework instrumentations (Flask, Django) do."""
    from opentelemetry import trace

    span = trace.get_current_span()
    span.update_name(f"{method} {route}")
    span.set_attribute("http.route", route)


# --- k6 -------------------------------------------------------------------------------------------------


K6_THRESHOLDS_FAILED = 99
K6_SUMMARY_JS = """
export function handleSummary(data) {
  return { [__ENV.SUMMARY_PATH]: JSON.stringify(data, null, 2) };
}
"""


def run_k6(
    script: str, summary_path: Path, *, env: dict[str, str] | None = None, timeout_s: int = 600
) -> None:
    """Run a k6 script (loopback only); its handleSummary data is written to summary_path."""
    k6 = VENV_BIN / "k6"
    if not k6.exists():
        k6 = Path(shutil.which("k6") or "k6")
    with tempfile.TemporaryDirectory(prefix="incidents-svc-k6-") as tmp:
        script_path = Path(tmp) / "script.js"
        script_path.write_text(script + K6_SUMMARY_JS)
        run_env = {**os.environ, **(env or {}), "SUMMARY_PATH": str(summary_path),
                   "K6_NO_USAGE_REPORT": "true"}
        done = subprocess.run(
            [str(k6), "run", "--quiet", "--no-usage-report", str(script_path)],
            env=run_env,
            timeout=timeout_s,
            stdout=subprocess.DEVNULL,
        )
        if done.returncode not in (0, K6_THRESHOLDS_FAILED):  # a crossed threshold is a result, not a failure
            raise RuntimeError(f"k6 exited {done.returncode}")


def k6_p95(summary_path: Path, metric: str = "http_req_duration") -> float:
    data = json.loads(summary_path.read_text())
    return float(data["metrics"][metric]["values"]["p(95)"])


# --- Prometheus and node_exporter ---------------------------------------------------------------------


@contextlib.contextmanager
def node_exporter(port: int) -> Iterator[str]:
    """Debian's prometheus-node-exporter on 127.0.0.1:port with the cpu, meminfo, loadavg collectors."""
    argv = [
        "/usr/bin/prometheus-node-exporter",
        f"--web.listen-address={LOOPBACK}:{port}",
        "--collector.disable-defaults",
        "--collector.cpu",
        "--collector.meminfo",
        "--collector.loadavg",
    ]
    with process(argv, ready_url=f"http://{LOOPBACK}:{port}/metrics"):
        yield f"{LOOPBACK}:{port}"


@contextlib.contextmanager
def prometheus(port: int, jobs: dict[str, str], interval_s: int) -> Iterator[str]:
    """Debian's Prometheus server scraping {job: host:port} every interval_s; yields its base URL."""
    with tempfile.TemporaryDirectory(prefix="incidents-svc-prom-") as tmp:
        config = Path(tmp) / "prometheus.yml"
        lines = ["global:", f"  scrape_interval: {interval_s}s", f"  evaluation_interval: {interval_s}s",
                 "scrape_configs:"]
        for job, address in jobs.items():
            lines += [f"  - job_name: {job}", "    static_configs:", f"      - targets: ['{address}']"]
        config.write_text("\n".join(lines) + "\n")
        argv = [
            "/usr/bin/prometheus",
            f"--config.file={config}",
            f"--storage.tsdb.path={Path(tmp) / 'data'}",
            f"--web.listen-address={LOOPBACK}:{port}",
        ]
        base = f"http://{LOOPBACK}:{port}"
        with process(argv, ready_url=f"{base}/-/ready"):
            yield base


def query_range(base: str, query: str, start: float, end: float, step_s: int) -> str:
    """The Prometheus HTTP API's query_range response, as the server wrote it."""
    params = urllib.parse.urlencode({"query": query, "start": f"{start:.3f}", "end": f"{end:.3f}",
                                     "step": f"{step_s}s"})
    with urllib.request.urlopen(f"{base}/api/v1/query_range?{params}", timeout=30) as response:
        body: str = response.read().decode()
    document = json.loads(body)
    if document.get("status") != "success" or not document["data"]["result"]:
        raise RuntimeError(f"query {query!r} returned nothing: {body[:300]}")
    return body


def scrape(url: str) -> str:
    """One scrape of a /metrics endpoint, the exposition text as served."""
    with urllib.request.urlopen(url, timeout=10) as response:
        text: str = response.read().decode()
    return text


# --- PostgreSQL -------------------------------------------------------------------------------------


def pg_dsn(name: str) -> str:
    """The DSN of database `name` on the local server."""
    parts = urllib.parse.urlsplit(PG_ADMIN_DSN)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def pg_database(name: str) -> str:
    """(Re)create database `name` (must start with incidents_svc) and return its DSN."""
    import psycopg

    if not name.startswith("incidents_svc"):
        raise ValueError("databases of this recorder are prefixed incidents_svc")
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return pg_dsn(name)


def pg_drop(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def pg_run_script(dsn: str, sql: str) -> None:
    """Run a script of `;`-and-newline separated statements."""
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as conn:
        for statement in sql.split(";\n"):
            if statement.strip():
                conn.execute(statement)


def pg_schema(dsn: str) -> str:
    """The schema as today's pg_dump writes it (--schema-only, no owners or grants)."""
    done = subprocess.run(
        ["pg_dump", "--schema-only", "--no-owner", "--no-privileges", dsn],
        check=True, capture_output=True, text=True,
    )
    return done.stdout
