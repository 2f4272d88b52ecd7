"""Bottleneck inventory: the output of profiling, with impact scores and the top targets."""

from __future__ import annotations

from pydantic import Field

from perfpilot.artifacts.baseline import Baseline
from perfpilot.artifacts.common import Artifact, EvidenceRef, Layer

IMPACT_FORMULA = (
    "impact = min(1, time_share * severity), where time_share is the bottleneck's share of total "
    "request (or workload) time in [0, 1] and severity = max(1, observed / target) for the SLO the "
    "bottleneck's layer affects, capped at 4, then divided by 4; a bottleneck with no SLO in breach "
    "has severity 1/4. Scores in [0, 1]; >= 0.05 counts as a bottleneck."
)


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
    notes: list[str] = Field(default_factory=list)
    budget_exhausted: bool = False

    def significant(self, threshold: float = 0.05) -> list[Bottleneck]:
        return [b for b in self.bottlenecks if b.impact >= threshold]
