"""Load profiles (baseline, peak, stress, soak) as arrival-rate plans, and the rate reached at time t."""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

ProfileName = Literal["baseline", "peak", "stress", "soak"]

DEFAULT_DURATION_S: dict[ProfileName, float] = {
    "baseline": 60,
    "peak": 60,
    "stress": 120,
    "soak": 3600,
}
PEAK_FACTOR = 2.0
STRESS_MAX_FACTOR = 10.0
STRESS_DEFAULT_P95_MS = 1000.0
STRESS_DEFAULT_ERROR_RATE = 0.05
STRESS_ABORT_DELAY_S = 2
MAX_VUS = 2000


class Stage(BaseModel):
    """One ramping stage: reach target_rps linearly over duration_s."""

    model_config = ConfigDict(extra="forbid")

    duration_s: float = Field(gt=0)
    target_rps: float = Field(ge=0)


class ProfilePlan(BaseModel):
    """What one k6 run does: a constant arrival rate, or (stress) a ramp with abort limits."""

    model_config = ConfigDict(extra="forbid")

    profile: ProfileName
    duration_s: float = Field(gt=0)
    rate_rps: float = Field(gt=0, description="Constant rate; for stress, the starting rate.")
    stages: list[Stage] = Field(default_factory=list)
    max_p95_ms: float | None = Field(default=None, gt=0)
    max_error_rate: float | None = Field(default=None, ge=0, le=1)

    @property
    def peak_rps(self) -> float:
        return max([self.rate_rps, *(s.target_rps for s in self.stages)])

    def rate_at(self, elapsed_s: float) -> float:
        """The arrival rate the plan asks for `elapsed_s` seconds into the run (linear within a stage)."""
        if not self.stages:
            return self.rate_rps
        start_t, start_rate = 0.0, self.rate_rps
        for stage in self.stages:
            end_t = start_t + stage.duration_s
            if elapsed_s <= end_t:
                share = max(0.0, elapsed_s - start_t) / stage.duration_s
                return start_rate + (stage.target_rps - start_rate) * share
            start_t, start_rate = end_t, stage.target_rps
        return start_rate

    def scenario(self) -> dict[str, Any]:
        """The k6 scenario for this plan (arrival-rate executors, so latency never lowers the load)."""
        # one second of latency before k6 must start VUs mid-run (which can drop iterations), five at most
        pre_allocated = min(MAX_VUS, max(5, math.ceil(self.peak_rps)))
        max_vus = min(MAX_VUS, max(20, math.ceil(self.peak_rps * 5)))
        common: dict[str, Any] = {
            "timeUnit": "1s",
            "preAllocatedVUs": pre_allocated,
            "maxVUs": max(max_vus, pre_allocated),
            "gracefulStop": "5s",
        }
        if self.stages:
            return {
                "executor": "ramping-arrival-rate",
                "startRate": round(self.rate_rps, 3),
                "stages": [
                    {"duration": f"{s.duration_s:g}s", "target": round(s.target_rps, 3)} for s in self.stages
                ],
                **common,
            }
        return {
            "executor": "constant-arrival-rate",
            "rate": round(self.rate_rps, 3),
            "duration": f"{self.duration_s:g}s",
            **common,
        }

    def abort_thresholds(self) -> dict[str, list[dict[str, Any]]]:
        """Thresholds that stop a stress run once the error rate or p95 crosses its limit."""
        if self.profile != "stress":
            return {}
        delay = f"{STRESS_ABORT_DELAY_S}s"
        limits: dict[str, list[dict[str, Any]]] = {}
        if self.max_error_rate is not None:
            limits["http_req_failed"] = [
                {"threshold": f"rate<{self.max_error_rate:g}", "abortOnFail": True, "delayAbortEval": delay}
            ]
        if self.max_p95_ms is not None:
            limits["http_req_duration"] = [
                {"threshold": f"p(95)<{self.max_p95_ms:g}", "abortOnFail": True, "delayAbortEval": delay}
            ]
        return limits


def plan_profile(
    profile: ProfileName,
    baseline_rps: float,
    *,
    duration_s: float | None = None,
    rate_rps: float | None = None,
    max_p95_ms: float | None = None,
    max_error_rate: float | None = None,
) -> ProfilePlan:
    """Plan a profile from the target's baseline rate: peak is 2x, stress ramps from 1x to 10x."""
    duration = duration_s if duration_s is not None else DEFAULT_DURATION_S[profile]
    if profile == "stress":
        start = rate_rps if rate_rps is not None else baseline_rps
        return ProfilePlan(
            profile=profile,
            duration_s=duration,
            rate_rps=start,
            stages=[Stage(duration_s=duration, target_rps=start * STRESS_MAX_FACTOR)],
            max_p95_ms=max_p95_ms if max_p95_ms is not None else STRESS_DEFAULT_P95_MS,
            max_error_rate=max_error_rate if max_error_rate is not None else STRESS_DEFAULT_ERROR_RATE,
        )
    factor = PEAK_FACTOR if profile == "peak" else 1.0
    rate = rate_rps if rate_rps is not None else baseline_rps * factor
    return ProfilePlan(profile=profile, duration_s=duration, rate_rps=rate)
