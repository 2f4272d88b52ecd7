"""An aborted stress run names the limit it crossed even when k6's end summary no longer shows it."""

from __future__ import annotations

from perfpilot.skills.load_test.execution import aborting_limits
from perfpilot.skills.load_test.intervals import Interval
from perfpilot.skills.load_test.profiles import ProfilePlan, Stage

PLAN = ProfilePlan(
    profile="stress", duration_s=8, rate_rps=10, stages=[Stage(duration_s=8, target_rps=130)],
    max_error_rate=0.05, max_p95_ms=500,
)


def test_the_error_rate_limit_a_second_crossed() -> None:
    breach = Interval(offset_s=3, requests=60, error_rate=0.2, p95_ms=120.0)
    assert aborting_limits(PLAN, breach, 99) == ["http_req_failed rate<0.05"]


def test_both_limits() -> None:
    breach = Interval(offset_s=3, requests=60, error_rate=0.05, p95_ms=500.0)
    assert aborting_limits(PLAN, breach, 99) == ["http_req_failed rate<0.05", "http_req_duration p(95)<500"]


def test_nothing_without_ks_thresholds_exit_code_or_a_breach() -> None:
    breach = Interval(offset_s=3, requests=60, error_rate=0.2, p95_ms=120.0)
    assert aborting_limits(PLAN, breach, 0) == []
    assert aborting_limits(PLAN, None, 99) == []
