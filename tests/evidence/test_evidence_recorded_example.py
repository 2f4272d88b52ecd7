"""The bundled recorded example: it validates, loads without a skip, and its files tell one story."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.evidence.histograms import histogram_quantile
from perfpilot.evidence.k6_summary import find_metric
from perfpilot.evidence.load import load_evidence
from perfpilot.target import load_target

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "recorded"
SLOW = ("GET /orders/{id}", "GET /customers/{id}/orders")
GENERATED = ("metrics.prom", "postgresql.log", "traces.json", "k6-summary.json")


@pytest.fixture(scope="module")
def bundle() -> EvidenceBundle:
    return load_evidence(load_target(EXAMPLE / "target.yaml"), strict=True)


def test_every_source_loads(bundle: EvidenceBundle) -> None:
    assert not bundle.skipped
    for kind in ("metrics", "traces", "load_tests", "workloads", "dockerfiles", "instances"):
        assert bundle.has(kind), kind
    assert bundle.target.evidence.database is not None


def test_slow_routes_breach_their_slo_in_histogram_and_k6_alike(bundle: EvidenceBundle) -> None:
    slos = bundle.target.slos
    (summary,) = bundle.load_tests
    for name in SLOW:
        method, route = name.split(" ", 1)
        hist = histogram_quantile(bundle.metrics, "http_request_duration_seconds", 0.95,
                                  {"method": method, "route": route})
        k6 = find_metric(summary, "http_req_duration", {"name": name})
        assert hist is not None and k6 is not None
        target = slos.endpoints[name].p95_ms
        assert target is not None
        assert hist * 1000 > target and k6.values["p(95)"] > target
        assert hist * 1000 == pytest.approx(k6.values["p(95)"], rel=0.2)
    overall = histogram_quantile(bundle.metrics, "http_request_duration_seconds", 0.95)
    total = summary.metric("http_req_duration")
    assert overall is not None and total is not None and slos.p95_ms is not None
    assert overall * 1000 > slos.p95_ms and total.values["p(95)"] > slos.p95_ms


def test_error_rate_is_under_the_slo_in_both_sources(bundle: EvidenceBundle) -> None:
    requests = [s for s in bundle.metrics if s.name == "http_requests_total"]
    errors = sum(s.value for s in requests if s.labels["status"].startswith("5"))
    rate = errors / sum(s.value for s in requests)
    failed = bundle.load_tests[0].metric("http_req_failed")
    assert failed is not None and bundle.target.slos.error_rate is not None
    assert 0 < rate < bundle.target.slos.error_rate
    assert failed.values["rate"] == pytest.approx(rate, abs=0.002)


def test_the_dominant_query_is_orders_by_customer(bundle: EvidenceBundle) -> None:
    (digest,) = bundle.workloads
    top = digest.queries[0]
    assert "from orders where customer_id" in top.fingerprint.lower()
    assert top.count >= 200 and top.share > 0.5
    n_plus_one = next(q for q in digest.queries if "order_items where order_id" in q.fingerprint.lower())
    assert n_plus_one.count > 2 * top.count
    assert any("like '%" in q.example.lower() for q in digest.queries)


def test_traces_show_one_orders_query_and_n_item_queries(bundle: EvidenceBundle) -> None:
    customer_traces = [t for t in bundle.traces if t.root.name == "GET /customers/{id}/orders"]
    assert len(customer_traces) >= 3
    for trace in customer_traces:
        statements = [str(s.attributes.get("db.statement", "")) for s in trace.spans if s.kind == "client"]
        assert sum("FROM orders WHERE customer_id" in s for s in statements) == 1
        assert sum("FROM order_items WHERE order_id" in s for s in statements) == len(statements) - 1
        assert all(s.parent_span_id == trace.root.span_id for s in trace.spans[1:])
    assert max(len(t.spans) for t in customer_traces) >= 5


def test_database_host_is_hot_and_app_hosts_idle(bundle: EvidenceBundle) -> None:
    db = next(i for i in bundle.instances if i.role == "database")
    apps = [i for i in bundle.instances if i.role == "app"]
    assert db.cpu_util_avg is not None and db.cpu_util_avg > 0.7
    assert apps and all(i.cpu_util_avg is not None and i.cpu_util_avg < 0.2 for i in apps)


def test_dockerfile_is_single_stage_on_the_full_image(bundle: EvidenceBundle) -> None:
    (dockerfile,) = bundle.dockerfiles
    froms = [i for i in dockerfile.instructions if i.instruction == "FROM"]
    assert [f.arguments for f in froms] == ["python:3.11"]


@pytest.mark.slow
def test_committed_files_match_the_generator(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = importlib.util.spec_from_file_location("make_evidence", EXAMPLE / "make_evidence.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "make_evidence", module)  # dataclasses look their module up
    monkeypatch.syspath_prepend(str(EXAMPLE))  # its simulation is a module beside it, as when run
    spec.loader.exec_module(module)
    module.main(tmp_path)
    for name in GENERATED:
        assert (tmp_path / name).read_bytes() == (EXAMPLE / name).read_bytes(), name
