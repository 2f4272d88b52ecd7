"""Small factories for artifacts tests build by hand: a finding, a bottleneck, a measured baseline."""

from __future__ import annotations

from typing import Any

from perfpilot.artifacts import Bottleneck, Finding
from perfpilot.artifacts.baseline import Baseline, EndpointStats, LatencyPercentiles
from perfpilot.artifacts.validation import MetricComparison


def finding(fid: str = "f-1", **fields: Any) -> Finding:
    """A database finding with every required field filled; override any of them by name."""
    values: dict[str, Any] = {
        "id": fid,
        "skill": "database-optimization-analyzer",
        "kind": "missing_index",
        "layer": "database",
        "subject": "orders(customer_id)",
        "title": "Missing index",
        "root_cause": "sequential scan",
        "impact": 0.3,
        "priority": "high",
        "complexity": "quick_fix",
    }
    return Finding.model_validate(values | fields)


def bottleneck(i: int, impact: float, layer: str = "database") -> Bottleneck:
    return Bottleneck.model_validate(
        {"id": f"bn-{i}", "layer": layer, "title": "t", "subject": f"s{i}", "impact": impact}
    )


def measured_baseline(
    p95_ms: float | None = 120.0, error_rate: float | None = 0.001, requests: int = 5000
) -> Baseline:
    """A baseline whose overall figures were measured (requests, p95, error rate)."""
    overall = EndpointStats(
        name="overall", requests=requests, error_rate=error_rate, latency=LatencyPercentiles(p95_ms=p95_ms)
    )
    return Baseline(overall=overall)


def comparisons(*met: bool | None) -> list[MetricComparison]:
    """One p95 comparison per value: met, not met, or unknown (no after figure)."""
    return [
        MetricComparison(
            metric=f"p95_ms:e{i}", before=500, after=None if m is None else 150, target=200, met=m
        )
        for i, m in enumerate(met)
    ]
