"""load_evidence: all sources into one bundle; bad ones skipped with file and line, or raised if strict."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from structlog.testing import capture_logs

from perfpilot.evidence.errors import EvidenceError
from perfpilot.evidence.load import load_evidence, redacted_url
from perfpilot.target import load_target

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "evidence"

TARGET = """\
name: shop
evidence:
  metrics:
    - path: evidence/metrics.prom
    - path: evidence/metrics-bad.prom
    - path: evidence/series.csv
  traces: [evidence/traces-collector.jsonl]
  load_tests: [evidence/k6-handle-summary.json]
  access_logs: [evidence/access.log, evidence/access-bad.log]
  containers: [evidence/Dockerfile]
  infrastructure:
    inventory: evidence/inventory.yaml
    kubernetes: [evidence/k8s.yaml, evidence/k8s-hpa-only.yaml]
  workload:
    - dsn: postgresql://app:secret@db.internal:5432/shop
"""


@pytest.fixture
def target_dir(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES, tmp_path / "evidence")
    (tmp_path / "target.yaml").write_text(TARGET)
    return tmp_path

BAD_VALUE = "not Prometheus text format: could not convert string to float: 'abc'"


def test_bad_sources_are_skipped_with_relative_path_and_line(target_dir: Path) -> None:
    target = load_target(target_dir / "target.yaml")
    with capture_logs() as logs:
        bundle = load_evidence(target)
    skipped = {(s.source, s.line) for s in bundle.skipped}
    assert skipped == {("evidence/metrics-bad.prom", 17), ("evidence/access-bad.log", 4)}
    assert [e for e in logs if e["event"] == "evidence.skipped"] == [
        {"event": "evidence.skipped", "log_level": "warning", "file": "evidence/metrics-bad.prom", "line": 17,
         "reason": BAD_VALUE},
        {"event": "evidence.skipped", "log_level": "warning", "file": "evidence/access-bad.log", "line": 4,
         "reason": "not a combined-format access log line"},
    ]
    assert bundle.has("metrics") and bundle.has("series") and bundle.has("traces")
    assert len(bundle.access_logs) == 6
    assert bundle.load_tests[0].source == "evidence/k6-handle-summary.json"
    assert bundle.traces[0].source == "evidence/traces-collector.jsonl"
    assert bundle.dockerfiles[0].source == "evidence/Dockerfile"
    redis = next(w for w in bundle.kubernetes if w.name == "redis")
    assert redis.hpa_max == 3  # HPA from the second manifest file
    assert {i.name for i in bundle.instances} == {"app", "db-primary"}
    assert not bundle.workloads  # a DSN workload is read live by the database skill, not here


def test_strict_raises_the_first_error(target_dir: Path) -> None:
    target = load_target(target_dir / "target.yaml")
    with pytest.raises(EvidenceError) as caught:
        load_evidence(target, strict=True)
    assert str(caught.value) == f"evidence/metrics-bad.prom:17: {BAD_VALUE}"


def test_unreadable_source_is_skipped(target_dir: Path) -> None:
    target = load_target(target_dir / "target.yaml")
    (target_dir / "evidence" / "Dockerfile").unlink()  # vanished after the target was validated
    bundle = load_evidence(target)
    missing = next(s for s in bundle.skipped if s.source == "evidence/Dockerfile")
    assert missing.line is None and "cannot read" in missing.reason


def test_workload_file_goes_through_the_digest(tmp_path: Path) -> None:
    log = tmp_path / "postgresql.log"
    log.write_text(
        "2024-11-28 14:00:01.123 UTC [4242] app@shop LOG:  duration: 12.500 ms  statement: "
        "SELECT * FROM orders WHERE customer_id = 7\n"
        "2024-11-28 14:00:01.200 UTC [4242] app@shop LOG:  duration: 14.500 ms  statement: "
        "SELECT * FROM orders WHERE customer_id = 9\n"
    )
    (tmp_path / "target.yaml").write_text(
        "name: t\nevidence:\n  workload:\n    - path: postgresql.log\n      format: postgres_log\n"
    )
    bundle = load_evidence(load_target(tmp_path / "target.yaml"), strict=True)
    (digest,) = bundle.workloads
    assert digest.source == "postgresql.log"
    assert digest.total_count == 2 and digest.queries[0].count == 2


class _Metrics(BaseHTTPRequestHandler):
    body = b"# TYPE up gauge\nup 1\nhttp_requests_total{route=\"/a\"} 12\n"

    def do_GET(self) -> None:
        ok = self.path == "/metrics"
        self.send_response(200 if ok else 404)
        self.send_header("Content-Type", "text/plain; version=0.0.4")
        self.end_headers()
        if ok:
            self.wfile.write(self.body)

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def metrics_url() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Metrics)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_live_metrics_url(tmp_path: Path, metrics_url: str) -> None:
    (tmp_path / "target.yaml").write_text(
        f"name: t\nevidence:\n  metrics:\n    - url: {metrics_url}/metrics\n"
        f"    - url: http://user:pw@127.0.0.1:{metrics_url.rsplit(':', 1)[1]}/missing?token=x\n"
    )
    bundle = load_evidence(load_target(tmp_path / "target.yaml"))
    assert [(s.name, s.value) for s in bundle.metrics] == [("up", 1.0), ("http_requests_total", 12.0)]
    (skipped,) = bundle.skipped
    assert "HTTP 404" in skipped.reason
    assert "pw" not in skipped.source and "token" not in skipped.source


def test_redacted_url() -> None:
    assert redacted_url("https://u:p@prom.example:9090/metrics?key=s") == "https://prom.example:9090/metrics"


def _workload_target(tmp_path: Path, body: str) -> Path:
    (tmp_path / "queries.log").write_text(body)
    (tmp_path / "target.yaml").write_text("name: t\nevidence:\n  workload:\n    - path: queries.log\n")
    return tmp_path / "target.yaml"


def test_digest_errors_are_skipped(tmp_path: Path) -> None:
    target = load_target(_workload_target(tmp_path, "\x00\x01 not a query log\n"))
    bundle = load_evidence(target)
    (skipped,) = bundle.skipped
    assert skipped.source == "queries.log" and skipped.reason
    with pytest.raises(EvidenceError):
        load_evidence(target, strict=True)


def test_missing_digest_module_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("perfpilot.evidence.load.DIGEST_MODULE", "perfpilot.workload.not_written_yet")
    bundle = load_evidence(load_target(_workload_target(tmp_path, "SELECT 1;\n")))
    (skipped,) = bundle.skipped
    assert "digest unavailable" in skipped.reason
