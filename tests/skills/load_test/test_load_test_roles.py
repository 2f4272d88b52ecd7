"""Load-test runs with roles: golden runs from the real k6 fixtures, role inference, breaking points."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from perfpilot.evidence.k6_summary import load_k6_summary
from perfpilot.evidence.k6_timeseries import load_k6_timeseries
from perfpilot.evidence.models import K6Metric, K6Summary, K6Timeline, LoadWindow
from perfpilot.skills.load_test.breaking_point import breaking_point
from perfpilot.skills.load_test.roles import assign_roles
from perfpilot.skills.load_test.runs import load_test_runs
from perfpilot.target.spec import Slos

K6 = Path(__file__).resolve().parents[2] / "fixtures" / "k6"
EXPECTED = json.loads((K6 / "expected-runs.json").read_text())
SLOS = {"slo p95 150 ms, error rate 0.01": Slos(p95_ms=150, error_rate=0.01), "no slo: k6 thresholds": Slos()}


def _recorded() -> list[K6Summary]:
    runs = []
    for name, series in (("baseline", "baseline-timeseries.csv.gz"), ("stress", "stress-timeseries.json.gz")):
        summary = load_k6_summary(K6 / f"{name}-summary.json", source=f"{name}-summary.json")
        timeline = load_k6_timeseries(K6 / series, source=series)
        runs.append(summary.model_copy(update={"timeline": timeline}))
    return runs


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_golden_runs_from_real_k6_output(case: str) -> None:
    runs = load_test_runs(_recorded(), SLOS[case])
    assert [r.model_dump(mode="json") for r in runs] == EXPECTED[case]


def test_stress_breaks_where_the_server_saturates() -> None:
    """The recorded server serves 50 req/s at most (2 workers x 40 ms): the break sits there."""
    stress = load_test_runs(_recorded(), Slos(p95_ms=200, error_rate=0.01))[1]
    point = stress.breaking_point
    assert point is not None
    assert (point.at_s, point.rps, point.vus, point.crossed) == (20.0, 49.0, 12.0, ["p95_ms"])
    assert point.max_good_rps == 50.0
    assert [t.expression for t in stress.failed_thresholds] == ["p(95)<200", "rate<0.01"]


def _summary(rate: float, duration_s: float = 60, **fields: object) -> K6Summary:
    reqs = K6Metric(name="http_reqs", type="counter", values={"count": rate * duration_s, "rate": rate})
    return K6Summary(source=f"run-{rate}", metrics=[reqs], duration_s=duration_s, **fields)  # type: ignore[arg-type]


def _timeline(
    rps: list[float], p95: list[float] | None = None, errors: list[float] | None = None
) -> K6Timeline:
    return K6Timeline(
        source="t",
        window_s=1,
        windows=[
            LoadWindow(
                start_s=i,
                duration_s=1,
                requests=int(r),
                rps=r,
                vus=float(i),
                p95_ms=(p95 or [10.0] * len(rps))[i],
                error_rate=(errors or [0.0] * len(rps))[i],
            )
            for i, r in enumerate(rps)
        ],
    )


def test_roles_declared_or_inferred() -> None:
    rising = _summary(30, timeline=_timeline([10, 10, 20, 30, 40, 50, 60, 70, 5]))
    runs = [
        _summary(10),
        _summary(25),
        _summary(11),
        rising,
        _summary(10, duration_s=3600),
        _summary(99, role="baseline"),
        _summary(5, stage_targets=[10, 100]),
    ]
    assert [(r.role, r.basis.split(":")[0]) for r in assign_roles(runs)] == [
        ("baseline", "inferred"),
        ("peak", "inferred"),
        ("baseline", "inferred"),  # 11 < 1.5 x 10
        ("stress", "inferred"),
        ("soak", "inferred"),
        ("baseline", "declared"),
        ("stress", "inferred"),
    ]


def test_one_noisy_window_is_not_a_break() -> None:
    summary = _summary(
        20, role="stress", timeline=_timeline([10, 20, 30, 40, 50, 60], p95=[10, 300, 10, 20, 250, 260])
    )
    point = breaking_point(summary, Slos(p95_ms=200))
    assert point is not None
    assert (point.at_s, point.max_good_rps, point.limits_from) == (4.0, 40.0, "slo")


def test_error_rate_alone_breaks_and_no_limits_means_no_break() -> None:
    summary = _summary(20, role="stress", timeline=_timeline([10, 20, 30], errors=[0, 0.2, 0.3]))
    point = breaking_point(summary, Slos(error_rate=0.05))
    assert point is not None and point.crossed == ["error_rate"] and point.at_s == 1.0
    assert breaking_point(summary, Slos()) is None  # no SLO and no k6 thresholds


def test_stress_without_time_series_says_so() -> None:
    [run] = load_test_runs([_summary(20, role="stress")], Slos(p95_ms=100))
    assert run.breaking_point is None
    assert run.notes == ["no breaking point: the run has no time series (k6 --out json= or --out csv=)"]
