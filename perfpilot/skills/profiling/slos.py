"""Compare a baseline with the target's SLOs: the breaches, and how hard each endpoint presses its target."""

from __future__ import annotations

from perfpilot.artifacts import Baseline, EndpointStats, SloBreach
from perfpilot.artifacts.bottlenecks import pressure
from perfpilot.target.spec import EndpointSlo, Slos


def slo_for(slos: Slos, endpoint: str) -> EndpointSlo | None:
    """The SLO keyed by this endpoint's name, matched exactly or by its path part."""
    for key, slo in slos.endpoints.items():
        if key == endpoint or endpoint.endswith(f" {key}") or key.endswith(f" {endpoint}"):
            return slo
    return None


def _check(stats: EndpointStats, slo: EndpointSlo, label: str | None) -> list[SloBreach]:
    breaches = []
    latency = stats.latency
    for name, observed, target in (
        ("p95_ms", latency.p95_ms, slo.p95_ms),
        ("p99_ms", latency.p99_ms, slo.p99_ms),
        ("error_rate", stats.error_rate, slo.error_rate),
    ):
        if observed is not None and target is not None and observed > target:
            breaches.append(
                SloBreach(
                    slo=name if label is None else f"{name}:{label}",
                    target=target,
                    observed=round(observed, 4),
                    endpoint=label,
                )
            )
    if slo.throughput_rps and stats.rps is not None and stats.rps < slo.throughput_rps:
        breaches.append(
            SloBreach(
                slo="throughput_rps" if label is None else f"throughput_rps:{label}",
                target=slo.throughput_rps,
                observed=round(stats.rps, 3),
                endpoint=label,
            )
        )
    return breaches


def breaches(baseline: Baseline, slos: Slos) -> list[SloBreach]:
    found = _check(baseline.overall, slos, None)
    for stats in baseline.endpoints:
        slo = slo_for(slos, stats.name)
        if slo is not None:
            found += _check(stats, slo, stats.name)
    return found


def endpoint_pressure(baseline: Baseline, slos: Slos) -> dict[str, float]:
    """Pressure (see IMPACT_FORMULA) of each endpoint's p95 against its target, plus 'overall'."""
    result = {"overall": pressure(baseline.overall.latency.p95_ms, slos.p95_ms)}
    for stats in baseline.endpoints:
        slo = slo_for(slos, stats.name)
        target = slo.p95_ms if slo and slo.p95_ms else slos.p95_ms
        result[stats.name] = pressure(stats.latency.p95_ms, target)
    return result


def latency_breaches(baseline: Baseline, slos: Slos) -> dict[str, tuple[float, float]]:
    """(observed p95, target) of each endpoint whose p95 is over its target (its own, else the overall)."""
    found: dict[str, tuple[float, float]] = {}
    for stats in baseline.endpoints:
        slo = slo_for(slos, stats.name)
        target = slo.p95_ms if slo and slo.p95_ms else slos.p95_ms
        p95 = stats.latency.p95_ms
        if target and p95 is not None and p95 > target:
            found[stats.name] = (p95, target)
    return found
