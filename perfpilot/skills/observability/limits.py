"""Regression limits per endpoint: p95 = max(SLO, measured p95 * (1 + margin)); error rate likewise."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field

from perfpilot.artifacts import Baseline, EndpointStats
from perfpilot.skills.load_test.scripts import request_tag
from perfpilot.skills.observability.routes import endpoint_route
from perfpilot.target.spec import Target

DEFAULT_ERROR_RATE = 0.01


class EndpointLimit(BaseModel):
    """What the CI gate and the alerts hold one endpoint (or 'overall') to, and where it came from."""

    model_config = ConfigDict(extra="forbid")

    name: str
    tag: str | None = Field(default=None, description="k6 request tag; None for 'overall'.")
    method: str | None = None
    route: str | None = None
    p95_ms: float | None = None
    error_rate: float = Field(ge=0, le=1)
    measured_p95_ms: float | None = None
    measured_error_rate: float | None = None
    slo_p95_ms: float | None = None
    slo_error_rate: float | None = None
    basis: str = ""


def _widest(slo: float | None, measured: float | None, margin: float) -> tuple[float | None, str]:
    grown = measured * (1 + margin) if measured is not None else None
    if slo is None and grown is None:
        return None, "none"
    if grown is None or (slo is not None and slo >= grown):
        return slo, "slo"
    return round(grown, 3), f"measured x {1 + margin:g}"


def _limit(
    name: str, measured: EndpointStats | None, slo_p95: float | None, slo_error: float | None, margin: float
) -> EndpointLimit:
    measured_p95 = measured.latency.p95_ms if measured else None
    measured_error = measured.error_rate if measured else None
    p95, p95_basis = _widest(slo_p95, measured_p95, margin)
    error, error_basis = _widest(slo_error, measured_error, margin)
    if slo_error is None and (error is None or error < DEFAULT_ERROR_RATE):
        error, error_basis = DEFAULT_ERROR_RATE, "default floor"
    return EndpointLimit(
        name=name,
        p95_ms=p95,
        error_rate=min(1.0, error or 0.0),
        measured_p95_ms=measured_p95,
        measured_error_rate=measured_error,
        slo_p95_ms=slo_p95,
        slo_error_rate=slo_error,
        basis=f"p95: {p95_basis}; error rate: {error_basis}",
    )


def regression_limits(
    target: Target, baseline: Baseline | None, margin: float, routes: Sequence[str] = ()
) -> list[EndpointLimit]:
    """Overall first, then each endpoint of evidence.http (or, without it, of the baseline)."""
    slos = target.slos
    overall = _limit("overall", baseline.overall if baseline else None, slos.p95_ms, slos.error_rate, margin)
    limits = [overall]
    http = target.evidence.http
    if http is not None:
        for endpoint in http.endpoints:
            slo = slos.endpoints.get(endpoint.name)
            limit = _limit(
                endpoint.name,
                baseline.endpoint(endpoint.name) if baseline else None,
                slo.p95_ms if slo and slo.p95_ms is not None else slos.p95_ms,
                slo.error_rate if slo and slo.error_rate is not None else slos.error_rate,
                margin,
            )
            limits.append(
                limit.model_copy(
                    update={
                        "tag": request_tag(endpoint),
                        "method": endpoint.method,
                        "route": endpoint_route(endpoint, routes),
                    }
                )
            )
    elif baseline is not None:
        for stats in baseline.endpoints:
            slo = slos.endpoints.get(stats.name)
            slo_p95 = slo.p95_ms if slo and slo.p95_ms is not None else slos.p95_ms
            limits.append(_limit(stats.name, stats, slo_p95, slos.error_rate, margin))
    return limits
