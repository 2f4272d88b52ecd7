"""Load-test runs as the inventory reports them: role, figures, crossed thresholds and breaking point."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from perfpilot.artifacts.common import Artifact

LoadTestRole = Literal["baseline", "peak", "stress", "soak"]
LimitName = Literal["p95_ms", "error_rate"]
LimitsFrom = Literal["slo", "k6 thresholds"]


class BreakingPoint(Artifact):
    """Where a run's latency or error rate first crossed its limit and stayed across (or the run ended)."""

    at_s: float = Field(description="Start of the first crossing window, in seconds into the run.")
    window_s: float
    rps: float = Field(description="Requests completed per second in that window.")
    vus: float | None = None
    p95_ms: float | None = None
    error_rate: float | None = None
    crossed: list[LimitName]
    limits: dict[LimitName, float] = Field(description="The limits judged against, e.g. {'p95_ms': 200}.")
    limits_from: LimitsFrom
    max_good_rps: float | None = Field(
        default=None, description="Most requests/s in a window before the break that met every limit."
    )
    max_good_vus: float | None = None


class FailedThreshold(Artifact):
    """A k6 threshold the run did not keep."""

    metric: str
    expression: str


class LoadTestRun(Artifact):
    """One k6 run: its role (declared or inferred, and on what basis) and what it measured."""

    source: str
    role: LoadTestRole
    role_basis: str = Field(description="'declared', or how the role was inferred.")
    duration_s: float | None = None
    requests: int = 0
    rps: float | None = None
    p95_ms: float | None = None
    error_rate: float | None = None
    max_vus: float | None = None
    failed_thresholds: list[FailedThreshold] = Field(default_factory=list)
    breaking_point: BreakingPoint | None = None
    processes: int | None = Field(default=None, description="Server worker processes, as declared.")
    served_by: str | None = Field(default=None, description="Inventory entry that served it, as declared.")
    notes: list[str] = Field(default_factory=list)
