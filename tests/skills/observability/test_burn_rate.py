"""SLO burn-rate alerts: recording and alerting rules that promtool checks, and that `promtool test rules`
shows paging on the SLO a route burns, not on the routes that keep theirs."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import yaml

from perfpilot.evidence.models import MetricSample
from perfpilot.skills.observability.alerts import alert_rules, dump_rules
from perfpilot.skills.observability.burn_rate import histogram_buckets, latency_bucket
from perfpilot.skills.observability.limits import regression_limits
from perfpilot.target.spec import Target

ROUTES = ["/fast", "/slow", "/err"]


def _target() -> Target:
    return Target.model_validate(
        {
            "name": "shop",
            "slos": {"p95_ms": 100, "error_rate": 0.01},
            "evidence": {
                "http": {
                    "base_url": "http://127.0.0.1:8080",
                    "endpoints": [
                        {"name": "fast", "path": "/fast"},
                        {"name": "slow", "path": "/slow"},
                        {"name": "broken", "path": "/err"},
                    ],
                }
            },
        }
    )


def _rules(buckets: dict[float, str]) -> tuple[dict[str, Any], list[str]]:
    limits = regression_limits(_target(), None, 0.2, ROUTES)
    return alert_rules("shop", limits, buckets=buckets)


def _names(rules: dict[str, Any]) -> list[str]:
    return [r["alert"] for group in rules["groups"] for r in group["rules"] if "alert" in r]


def test_slos_give_recording_rules_and_a_page_and_ticket_alert_per_objective() -> None:
    rules, notes = _rules({0.05: "0.05", 0.1: "0.1", 0.5: "0.5", float("inf"): "+Inf"})
    assert notes == []
    recording = rules["groups"][0]["rules"]
    assert len(recording) == 4 * 2 * 7  # overall + 3 endpoints, availability + latency, 7 windows
    assert recording[7]["record"] == "slo:sli_error:ratio_rate5m"
    assert recording[7]["labels"] == {"slo": "overall-latency", "service": "shop", "endpoint": "overall"}
    assert recording[7]["expr"] == (
        '1 - sum(rate(http_request_duration_seconds_bucket{le="0.1"}[5m])) / '
        "sum(rate(http_request_duration_seconds_count[5m]))"
    )
    assert "PerfpilotP95LatencyHigh_overall" not in _names(rules)  # the SLO's burn rate replaces it
    page = next(r for r in rules["groups"][1]["rules"] if r["alert"] == "SLOBurnRatePage_slow_latency")
    assert page["expr"] == (
        '(slo:sli_error:ratio_rate1h{slo="slow-latency",service="shop"} > (14.4 * 0.05) and '
        'slo:sli_error:ratio_rate5m{slo="slow-latency",service="shop"} > (14.4 * 0.05)) or '
        '(slo:sli_error:ratio_rate6h{slo="slow-latency",service="shop"} > (6 * 0.05) and '
        'slo:sli_error:ratio_rate30m{slo="slow-latency",service="shop"} > (6 * 0.05))'
    )


def test_a_threshold_between_buckets_uses_the_next_bucket_up_and_says_so() -> None:
    assert latency_bucket(0.1, {0.05: "0.05", 0.25: "0.25"}) == (
        "0.25",
        'the histogram has no bucket at 0.1 s: the latency SLI counts requests over le="0.25", the next '
        "bucket up, so it alerts later than the SLO would",
    )
    assert latency_bucket(0.1, {})[1] == (
        'the latency SLI needs a histogram bucket at le="0.1" (no buckets in the evidence)'
    )
    samples = [
        MetricSample(name="http_request_duration_seconds_bucket", labels={"le": le}, value=1.0)
        for le in ("0.1", "+Inf", "junk")
    ]
    assert histogram_buckets(samples) == {0.1: "0.1", float("inf"): "+Inf"}


def _series(route: str, fast: str, total: str, status: str = "200") -> list[dict[str, str]]:
    labels = f'route="{route}",status="{status}"'
    return [
        {"series": f'http_request_duration_seconds_bucket{{{labels},le="0.1"}}', "values": fast},
        {"series": f'http_request_duration_seconds_bucket{{{labels},le="+Inf"}}', "values": total},
        {"series": f"http_request_duration_seconds_count{{{labels}}}", "values": total},
    ]


def test_promtool_pages_on_the_burning_slos_only(promtool: str, tmp_path: Path) -> None:
    rules, _ = _rules({0.1: "0.1", float("inf"): "+Inf"})
    (tmp_path / "alerts.yml").write_text(dump_rules(rules), encoding="utf-8")
    check = subprocess.run([promtool, "check", "rules", str(tmp_path / "alerts.yml")],
                           capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    steady, none = "0+60x120", "0+0x120"  # 60 requests a minute for two hours
    series = (
        _series("/fast", steady, steady)
        + _series("/slow", none, steady)  # every request slower than 100 ms
        + _series("/err", steady, steady, status="500")  # fast, but every one fails
    )
    alerts = {r["alert"]: r for group in rules["groups"] for r in group["rules"] if "alert" in r}

    def expect(alert: str, fires: bool) -> dict[str, Any]:
        rule = alerts[alert]
        fired = [{"exp_labels": rule["labels"], "exp_annotations": rule["annotations"]}] if fires else []
        return {"eval_time": "90m", "alertname": alert, "exp_alerts": fired}

    test = {
        "rule_files": ["alerts.yml"],
        "evaluation_interval": "1m",
        "tests": [
            {
                "interval": "1m",
                "input_series": series,
                "alert_rule_test": [
                    expect("SLOBurnRatePage_slow_latency", True),
                    expect("SLOBurnRateTicket_slow_latency", True),
                    expect("SLOBurnRatePage_broken_availability", True),
                    expect("SLOBurnRatePage_overall_availability", True),  # a third of all requests fail
                    expect("SLOBurnRatePage_fast_latency", False),
                    expect("SLOBurnRatePage_fast_availability", False),
                    expect("SLOBurnRatePage_slow_availability", False),
                    expect("SLOBurnRatePage_broken_latency", False),
                ],
            }
        ],
    }
    (tmp_path / "test.yml").write_text(yaml.safe_dump(test, sort_keys=False), encoding="utf-8")
    done = subprocess.run([promtool, "test", "rules", str(tmp_path / "test.yml")],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
