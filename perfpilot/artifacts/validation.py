"""Validation report: before/after per metric and endpoint, share of targets met, ROI, artifacts."""

from __future__ import annotations

from typing import Literal, NamedTuple

from pydantic import Field

from perfpilot.artifacts.common import Artifact
from perfpilot.artifacts.profiles import HotFunctionShare, LiveProfile

# Latency verdicts against a target, read from the confidence interval of the change (never from noise):
# met_beyond_noise / not_met_beyond_noise: the after-value's whole 95% interval is at / beyond the target;
# not_beyond_noise: the interval straddles the target; too_few_samples: fewer requests than the percentile
# needs (validation.change_interval.min_requests); noise_unknown: no per-request durations and no repeated
# baseline to estimate the noise from; no_data: a value is missing; host_contended: not shown met while
# the service waited for a CPU as long as it ran (host contention) and its median request met the target:
# the miss is the host's tail as much as the service's, undecided (never met).
LatencyVerdict = Literal[
    "met_beyond_noise", "not_met_beyond_noise", "not_beyond_noise", "too_few_samples", "noise_unknown",
    "no_data", "host_contended",
]
# The report's: met (every target row met), not_met (a row missed beyond noise), inconclusive (otherwise).
ValidationVerdict = Literal["met", "not_met", "inconclusive"]


class TargetTally(NamedTuple):
    """The rows with a target: met and missed beyond noise, and undecided (noise, samples, no figure)."""

    met: int
    missed: int
    undecided: int

    @property
    def total(self) -> int:
        return self.met + self.missed + self.undecided


class ChangeInterval(Artifact):
    """The change of a percentile as log(after / before), with a 95% interval from the noise measured."""

    log_ratio: float
    low: float | None = Field(default=None, description="Lower bound of log(after / before); None: no noise.")
    high: float | None = Field(default=None, description="Upper bound of log(after / before).")
    after_low: float | None = Field(default=None, description="Lower 95% bound of the after-value itself.")
    after_high: float | None = Field(default=None, description="Upper 95% bound of the after-value itself.")
    run_log_sd: float | None = Field(default=None, description="SD of log(percentile) over baseline runs.")
    method: str = ""

    @property
    def beyond_noise(self) -> bool | None:
        """True when the interval excludes no change; None when the noise is unknown."""
        if self.low is None or self.high is None:
            return None
        return self.low > 0 or self.high < 0


class MetricComparison(Artifact):
    """One metric before and after, against its target when it has one."""

    metric: str
    before: float | None
    after: float | None
    unit: str = ""
    target: float | None = None
    met: bool | None = None
    significant: bool | None = Field(default=None, description="Change beyond the noise floor.")
    verdict: LatencyVerdict | None = Field(default=None, description="p95/p99 rows of a measured run.")
    change: ChangeInterval | None = None
    requests_before: int | None = None
    requests_after: int | None = None
    min_requests: int | None = Field(default=None, description="Requests the percentile needs per run.")


class EndpointComparison(Artifact):
    """Per-endpoint before/after figures (the public shape of report.json's validation.endpoints)."""

    name: str
    p50_ms_before: float | None = None
    p50_ms_after: float | None = None
    p95_ms_before: float | None = None
    p95_ms_after: float | None = None
    p99_ms_before: float | None = None
    p99_ms_after: float | None = None
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
    targets_met_share: float = Field(
        default=0, ge=0, le=1,
        description="Share of the decided targets that are met: undecided rows are left out, and it is 1 "
        "when no target is decided, so read it with the comparisons' met flags, never alone.",
    )
    roi: Roi = Field(default_factory=Roi)
    artifacts: list[str] = Field(default_factory=list, description="Regression-prevention files written.")
    notes: list[str] = Field(default_factory=list)
    budget_exhausted: bool = False
    verdict: ValidationVerdict | None = Field(
        default=None,
        description="Measured runs only, over every target: met, not_met (a target missed beyond noise) or "
        "inconclusive (a row not beyond noise, with too few samples, unknown noise or no data). The run's "
        "status applies the 80% rule to the same rows.",
    )
    undecided: list[str] | None = Field(
        default=None, description="Target rows the noise or the sample count leaves undecided."
    )
    hot_functions: list[HotFunctionShare] = Field(
        default_factory=list,
        description="Live runs: the inventory's hot functions, their profile share before -> after.",
    )
    after_profile: LiveProfile | None = Field(
        default=None, description="Live runs: py-spy's sampling of the service under the after load test."
    )

    def tally(self) -> TargetTally:
        """Met, missed and undecided among the rows that have a target."""
        targets = [c for c in self.comparisons if c.target is not None]
        met = sum(c.met is True for c in targets)
        missed = sum(c.met is False for c in targets)
        return TargetTally(met, missed, len(targets) - met - missed)
