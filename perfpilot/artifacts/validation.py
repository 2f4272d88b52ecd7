"""Validation report: before/after per metric and endpoint, share of targets met, ROI, artifacts."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from perfpilot.artifacts.common import Artifact


class MetricComparison(Artifact):
    """One metric before and after, against its target when it has one."""

    metric: str
    before: float | None
    after: float | None
    unit: str = ""
    target: float | None = None
    met: bool | None = None
    significant: bool | None = Field(default=None, description="Change beyond the noise floor.")


class EndpointComparison(Artifact):
    """Per-endpoint before/after figures (the public shape of report.json's validation.endpoints)."""

    name: str
    p95_ms_before: float | None = None
    p95_ms_after: float | None = None
    rps_before: float | None = None
    rps_after: float | None = None
    error_rate_before: float | None = None
    error_rate_after: float | None = None


class Roi(Artifact):
    """Cost-performance of the optimisation; a gain or payback that was not measured is None (unknown)."""

    monthly_cost_before_usd: float | None = None
    monthly_cost_after_usd: float | None = None
    monthly_savings_usd: float = Field(
        default=0, description="Net of every planned cost change; negative when the plan costs more."
    )
    throughput_gain_pct: float | None = Field(default=None, description="Measured only; None otherwise.")
    effort_days: float = 0
    payback_days: float | None = Field(default=None, description="From a measured after only; else None.")
    method: str = ""


class ValidationReport(Artifact):
    """The validation step's artifact."""

    method: Literal["measured", "projected"] = "projected"
    comparisons: list[MetricComparison] = Field(default_factory=list)
    endpoints: list[EndpointComparison] = Field(default_factory=list)
    noise_floor_pct: float | None = None
    targets_met_share: float = Field(default=0, ge=0, le=1)
    roi: Roi = Field(default_factory=Roi)
    artifacts: list[str] = Field(default_factory=list, description="Regression-prevention files written.")
    notes: list[str] = Field(default_factory=list)
    budget_exhausted: bool = False
