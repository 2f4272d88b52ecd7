"""Bottleneck inventory: the output of profiling, with impact scores and the top targets."""

from __future__ import annotations

from pydantic import Field

from perfpilot.artifacts.baseline import Baseline
from perfpilot.artifacts.common import Artifact, EvidenceRef, Layer
from perfpilot.artifacts.findings import Finding
from perfpilot.artifacts.load_tests import LoadTestRun
from perfpilot.artifacts.profiles import LiveProfile

IMPACT_FORMULA = (
    "impact = time_share * pressure. time_share is the bottleneck's share of request time (or, for cost, "
    "of the bill) in [0, 1]. pressure is 1 when an SLO the bottleneck affects is breached, otherwise "
    "0.5 * ratio**2 where ratio = observed / target of the closest SLO (so a system at half its latency "
    "target scores at most 0.125 * time_share). Cost bottlenecks use pressure 0.5. A bottleneck counts "
    "as significant at impact >= 0.15 (SIGNIFICANT_IMPACT)."
)
SIGNIFICANT_IMPACT = 0.15


def pressure(observed: float | None, target: float | None) -> float:
    """How hard an SLO is pressed: 1 when breached, 0.5 * (observed/target)**2 below it."""
    if observed is None or not target:
        return 0.5
    ratio = observed / target
    return 1.0 if ratio > 1 else 0.5 * ratio * ratio


class SloBreach(Artifact):
    """An SLO that the baseline does not meet."""

    slo: str = Field(description="e.g. 'p95_ms' or 'p95_ms:/orders/{id}'.")
    target: float
    observed: float
    endpoint: str | None = None


class Bottleneck(Artifact):
    """One place where time or money goes, scored by how much fixing it could matter."""

    id: str
    layer: Layer
    title: str
    subject: str = Field(description="What is slow: a query shape id, an endpoint, a service, an image.")
    impact: float = Field(ge=0, le=1, description=IMPACT_FORMULA)
    time_share: float = Field(default=0, ge=0, le=1)
    metrics: dict[str, float] = Field(default_factory=dict)
    evidence: list[EvidenceRef] = Field(default_factory=list)


class BottleneckInventory(Artifact):
    """The profiling step's artifact."""

    baseline: Baseline = Field(default_factory=Baseline)
    bottlenecks: list[Bottleneck] = Field(default_factory=list)
    top_targets: list[str] = Field(default_factory=list, max_length=3, description="Bottleneck ids.")
    slo_breaches: list[SloBreach] = Field(default_factory=list)
    load_tests: list[LoadTestRun] = Field(
        default_factory=list, description="Every k6 run in the evidence, by role, with any breaking point."
    )
    notes: list[str] = Field(default_factory=list)
    live_profile: LiveProfile | None = Field(
        default=None, description="Live runs: the service's stacks, memory and I/O under the baseline."
    )
    findings: list[Finding] = Field(
        default_factory=list,
        description="Findings computed while profiling (resource usage and cost), reported even when "
        "no bottleneck needs work.",
    )
    budget_exhausted: bool = False

    def significant(self, threshold: float = SIGNIFICANT_IMPACT) -> list[Bottleneck]:
        return [b for b in self.bottlenecks if b.impact >= threshold]
