"""The CI regression gate: a k6 script at the baseline rate whose thresholds make k6 exit non-zero."""

from __future__ import annotations

from collections.abc import Sequence

from perfpilot.skills.load_test.profiles import plan_profile
from perfpilot.skills.load_test.scripts import render_script, submetric
from perfpilot.skills.observability.limits import EndpointLimit
from perfpilot.target.spec import HttpSource

DEFAULT_GATE_DURATION_S = 30.0


def gate_thresholds(limits: Sequence[EndpointLimit]) -> dict[str, list[str]]:
    """k6 thresholds: p95 below the limit and error rate at most the limit, overall and per endpoint."""
    thresholds: dict[str, list[str]] = {}
    for limit in limits:
        if limit.name != "overall" and limit.tag is None:
            continue
        duration = "http_req_duration" if limit.tag is None else submetric("http_req_duration", limit.tag)
        failed = "http_req_failed" if limit.tag is None else submetric("http_req_failed", limit.tag)
        if limit.p95_ms is not None:
            thresholds[duration] = [f"p(95)<{limit.p95_ms:g}"]
        thresholds[failed] = [f"rate<={limit.error_rate:g}"]
    return thresholds


def render_gate(
    http: HttpSource, limits: Sequence[EndpointLimit], *, duration_s: float = DEFAULT_GATE_DURATION_S
) -> str:
    """The gate script: the target's endpoints at baseline_rps for duration_s, under the limits."""
    plan = plan_profile("baseline", http.baseline_rps, duration_s=duration_s)
    return render_script(http, plan, thresholds=gate_thresholds(limits), title="perfpilot CI regression gate")
