"""Request time split at a reverse proxy from nginx's upstream timings (a window of a real recording)."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfpilot.evidence.access_log import load_access_log
from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.evidence.models import AccessLogEntry
from perfpilot.skills.profiling.bottlenecks import application_bottleneck, edge_bottleneck
from perfpilot.skills.profiling.endpoints import endpoint_namer
from perfpilot.skills.profiling.upstream_split import from_upstream_timings
from perfpilot.target.spec import EndpointSlo, EvidenceSources, Slos, Target

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "skills" / "edge_computing"
LOG = FIXTURES / "nginx_upstream_syn_drops.log"


def _bundle(entries: list[AccessLogEntry]) -> EvidenceBundle:
    target = Target(name="stock", evidence=EvidenceSources(access_logs=[LOG]))
    return EvidenceBundle(target=target, access_logs=entries)


def test_connect_and_proxy_time_are_edge_the_upstream_is_application() -> None:
    times = from_upstream_timings(_bundle(load_access_log(LOG)))
    assert times is not None
    # per request: upstream = min(rt, urt), connect = min(upstream, uct); edge = connect + rt - upstream
    assert times.edge == pytest.approx(26.658)
    assert times.application == pytest.approx(1.641)
    assert times.database == 0.0
    shares = times.shares()
    assert shares["database"] == 0.0
    assert (shares["application"], shares["edge"]) == pytest.approx((1.641 / 28.299, 26.658 / 28.299))
    assert sum(layers["requests"] for layers in times.per_endpoint.values()) == 80


def test_a_request_no_upstream_served_is_all_edge() -> None:
    cached = AccessLogEntry(method="GET", path="/a", status=200, duration_ms=4.0, line=1)
    proxied = AccessLogEntry(
        method="GET", path="/a", status=200, duration_ms=30.0, line=2,
        upstream_connect_ms=2.0, upstream_header_ms=20.0, upstream_response_ms=25.0,
    )
    times = from_upstream_timings(_bundle([cached, proxied]))
    assert times is not None
    assert (times.edge, times.application) == (pytest.approx(0.011), pytest.approx(0.023))


def test_a_log_without_upstream_times_is_not_split() -> None:
    plain = AccessLogEntry(method="GET", path="/a", status=200, duration_ms=4.0, line=1)
    assert from_upstream_timings(_bundle([plain])) is None


def test_the_edge_carries_a_breach_the_upstream_does_not() -> None:
    times = from_upstream_timings(_bundle(load_access_log(LOG)))
    assert times is not None
    edge = edge_bottleneck(times, {"overall": 1.0})
    app = application_bottleneck(times, {"overall": 1.0})
    assert edge is not None and app is not None
    assert (edge.layer, edge.impact) == ("edge", pytest.approx(0.942, abs=1e-3))
    assert app.impact == pytest.approx(0.058, abs=1e-3)


def test_requests_take_the_name_of_the_slo_endpoint_they_match() -> None:
    endpoints = {"GET /api/stock/{sku}": EndpointSlo(p95_ms=100), "GET /api/warehouses": EndpointSlo()}
    slos = Slos(endpoints=endpoints)
    name = endpoint_namer(Target(name="stock", slos=slos, evidence=EvidenceSources(access_logs=[LOG])))
    assert name("GET", "/api/stock/SKU-4626") == "GET /api/stock/{sku}"
    assert name("GET", "/api/stock/SKU-4626/history") == "GET /api/stock/SKU-4626/history"
    assert name("POST", "/api/stock/SKU-4626") == "POST /api/stock/SKU-4626"
    assert name("GET", "/api/warehouses?region=eu") == "GET /api/warehouses"
    assert name("GET", "/orders/42") == "GET /orders/{id}"
