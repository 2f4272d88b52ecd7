"""Baseline: latency percentiles, throughput, error rate and resource usage, overall and per endpoint."""

from __future__ import annotations

from pydantic import Field

from perfpilot.artifacts.common import Artifact, Layer


class LatencyPercentiles(Artifact):
    """Latency percentiles in milliseconds; None where the source cannot give one."""

    p50_ms: float | None = None
    p90_ms: float | None = None
    p95_ms: float | None = None
    p99_ms: float | None = None
    max_ms: float | None = None


class EndpointStats(Artifact):
    """Traffic figures for one endpoint, or for the whole system when name is 'overall'."""

    name: str
    requests: int = Field(
        default=0,
        ge=0,
        description="Requests measured; 0 when the evidence gives no count (a k6 threshold's submetric).",
    )
    rps: float | None = None
    error_rate: float | None = Field(default=None, ge=0, le=1)
    latency: LatencyPercentiles = Field(default_factory=LatencyPercentiles)
    run_p95_ms: list[float] | None = Field(
        default=None, description="p95 of each repeated run (the run-to-run noise), when repeated."
    )
    run_p99_ms: list[float] | None = Field(default=None, description="p99 of each repeated run.")


class ResourceUsage(Artifact):
    """Resource utilisation, each a fraction in [0, 1] of what is provisioned."""

    cpu: float | None = Field(default=None, ge=0)
    memory: float | None = Field(default=None, ge=0)
    disk_io: float | None = Field(default=None, ge=0)
    network: float | None = Field(default=None, ge=0)


class Baseline(Artifact):
    """What the system does now, before any change."""

    overall: EndpointStats = Field(default_factory=lambda: EndpointStats(name="overall"))
    endpoints: list[EndpointStats] = Field(default_factory=list)
    resources: ResourceUsage = Field(default_factory=ResourceUsage)
    layer_time_share: dict[Layer, float] = Field(
        default_factory=dict,
        description="Share of request time spent in each layer, summing to at most 1.",
    )
    sources: list[str] = Field(default_factory=list, description="Evidence the figures came from.")
    noise_floor_pct: float | None = Field(
        default=None, description="Spread of p95 across repeated baseline runs, in percent."
    )
    request_durations: str | None = Field(
        default=None,
        description="JSON file of per-request durations (ms) by endpoint of the run these figures come "
        "from (k6 --out csv, bounded), for the bootstrap of validation.change_interval.",
    )

    def endpoint(self, name: str) -> EndpointStats | None:
        return next((e for e in self.endpoints if e.name == name), None)
