"""The markdown report's Load tests table: role and its basis, crossed thresholds, the breaking point."""

from __future__ import annotations

from perfpilot.artifacts import BottleneckInventory, BreakingPoint, FailedThreshold, LoadTestRun
from perfpilot.artifacts.report import RunReport
from perfpilot.reports.markdown import render


def test_load_tests_table() -> None:
    stress = LoadTestRun(
        source="stress-summary.json",
        role="stress",
        role_basis="declared",
        rps=54.5,
        p95_ms=283.2,
        error_rate=0.25,
        failed_thresholds=[FailedThreshold(metric="http_req_duration", expression="p(95)<200")],
        breaking_point=BreakingPoint(
            at_s=20,
            window_s=1,
            rps=49,
            vus=12,
            p95_ms=236.8,
            error_rate=0,
            crossed=["p95_ms"],
            limits={"p95_ms": 200, "error_rate": 0.01},
            limits_from="slo",
            max_good_rps=50,
        ),
    )
    soak = LoadTestRun(
        source="soak.json", role="soak", role_basis="inferred: ran 60 min (>= 30 min)", notes=["a note"]
    )
    report = RunReport(
        run_id="r", target="t", status="not_met", inventory=BottleneckInventory(load_tests=[stress, soak])
    )
    text = render(report)
    assert "### Load tests" in text
    assert (
        "| stress-summary.json | stress (declared) | 54.5 | 283 | 0.25 | http_req_duration p(95)<200 | "
        "at 20 s: 49 req/s, 12 VUs, p95_ms > 200 (slo); kept the limits up to 50 req/s |"
    ) in text
    assert "| soak.json | soak (inferred: ran 60 min (>= 30 min)) | – | – | – | – | a note |" in text
