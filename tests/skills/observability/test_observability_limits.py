"""Regression limits (max of SLO and measured x (1 + margin)) and endpoint-to-route matching."""

from __future__ import annotations

from typing import Any

import pytest

from perfpilot.artifacts import Baseline, EndpointStats, LatencyPercentiles
from perfpilot.evidence.models import MetricSample
from perfpilot.skills.observability.limits import DEFAULT_ERROR_RATE, regression_limits
from perfpilot.skills.observability.routes import endpoint_route, known_routes, route_label
from perfpilot.target.spec import Endpoint, Target


def _target(slos: dict[str, Any]) -> Target:
    return Target.model_validate(
        {
            "name": "shop",
            "slos": slos,
            "evidence": {
                "http": {
                    "base_url": "http://127.0.0.1:8080",
                    "endpoints": [
                        {"name": "product", "path": "/products/${product_id}"},
                        {"name": "search", "path": "/products/search?q=${term}"},
                    ],
                }
            },
        }
    )


def _stats(name: str, p95: float, error_rate: float) -> EndpointStats:
    return EndpointStats(
        name=name, requests=100, rps=10, error_rate=error_rate, latency=LatencyPercentiles(p95_ms=p95)
    )


def test_limit_is_the_wider_of_slo_and_measured_with_margin() -> None:
    baseline = Baseline(
        overall=_stats("overall", 40, 0.0),
        endpoints=[_stats("product", 10, 0.0), _stats("search", 90, 0.05)],
    )
    target = _target({"p95_ms": 100, "endpoints": {"product": {"p95_ms": 25}, "search": {"p95_ms": 50}}})
    limits = {lim.name: lim for lim in regression_limits(target, baseline, 0.2)}

    assert limits["overall"].p95_ms == 100 and limits["overall"].basis.startswith("p95: slo")
    assert limits["product"].p95_ms == 25  # SLO 25 > 10 x 1.2
    assert limits["search"].p95_ms == pytest.approx(90 * 1.2)  # measured x 1.2 > SLO 50
    assert limits["search"].error_rate == pytest.approx(0.05 * 1.2)
    assert limits["product"].error_rate == DEFAULT_ERROR_RATE  # no SLO, measured 0: the floor
    assert limits["search"].tag == "GET /products/search?q=${term}"


def test_without_a_baseline_the_slos_alone_set_the_limits() -> None:
    limits = regression_limits(_target({"p95_ms": 80, "error_rate": 0.02}), None, 0.2)
    assert [(lim.name, lim.p95_ms, lim.error_rate) for lim in limits] == [
        ("overall", 80, 0.02),
        ("product", 80, 0.02),
        ("search", 80, 0.02),
    ]


def test_routes_come_from_the_services_own_metrics() -> None:
    samples = [
        MetricSample(
            name="http_request_duration_seconds_bucket",
            labels={"method": "GET", "handler": route, "le": "0.1"},
            value=1,
        )
        for route in ("/products/{id}", "/products/search", "/customers/{id}/orders")
    ]
    label = route_label(samples)
    routes = known_routes(samples, label)
    assert label == "handler"
    assert endpoint_route(Endpoint(name="p", path="/products/${product_id}"), routes) == "/products/{id}"
    assert endpoint_route(Endpoint(name="s", path="/products/search?q=${t}"), routes) == "/products/search"
    assert (
        endpoint_route(Endpoint(name="c", path="/customers/${c}/orders"), routes) == "/customers/{id}/orders"
    )
    assert endpoint_route(Endpoint(name="u", path="/users/${uid}/cart?x=1"), routes) == "/users/{uid}/cart"
