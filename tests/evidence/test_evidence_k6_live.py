"""Run the real k6 against a loopback server and load both summary shapes it writes."""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from perfpilot.evidence.k6_summary import find_metric, load_k6_summary

SCRIPT = """
import http from 'k6/http';
export const options = {
  vus: 2, iterations: 20,
  // k6 reports a tagged sub-metric only when a threshold names it
  thresholds: { 'http_req_duration{name:GET /orders/{id}}': ['p(95)<5000'] },
};
export default function () {
  http.get(`${__ENV.BASE}/orders/7`, { tags: { name: 'GET /orders/{id}' } });
  http.get(`${__ENV.BASE}/fail`, { tags: { name: 'GET /fail' } });
}
export function handleSummary(data) { return { [__ENV.OUT]: JSON.stringify(data) }; }
"""


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(500 if self.path.startswith("/fail") else 200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.k6
def test_real_k6_summaries_load_and_agree(k6_binary: str, server: str, tmp_path: Path) -> None:
    script = tmp_path / "script.js"
    script.write_text(SCRIPT)
    export, data = tmp_path / "export.json", tmp_path / "data.json"
    subprocess.run(
        [k6_binary, "run", "--quiet", "--no-usage-report", "--summary-export", str(export),
         "-e", f"BASE={server}", "-e", f"OUT={data}", str(script)],
        check=True, capture_output=True, timeout=120, cwd=tmp_path,
    )
    exported, handled = load_k6_summary(export), load_k6_summary(data)
    assert {(m.name, tuple(m.tags.items())) for m in exported.metrics} == {
        (m.name, tuple(m.tags.items())) for m in handled.metrics
    }
    for summary in (exported, handled):
        reqs = summary.metric("http_reqs")
        assert reqs is not None and reqs.values["count"] == 40
        failed = summary.metric("http_req_failed")
        assert failed is not None and failed.values["rate"] == pytest.approx(0.5)
        assert find_metric(summary, "http_req_duration", {"name": "GET /orders/{id}"}) is not None
    orders_export = find_metric(exported, "http_req_duration", {"name": "GET /orders/{id}"})
    orders_data = find_metric(handled, "http_req_duration", {"name": "GET /orders/{id}"})
    assert orders_export is not None and orders_data is not None
    assert orders_export.values == orders_data.values
    assert handled.duration_s is not None and exported.duration_s is not None
    assert exported.duration_s == pytest.approx(handled.duration_s, rel=0.2)
