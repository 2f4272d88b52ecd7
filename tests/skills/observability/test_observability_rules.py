"""Generated alert rules pass `promtool check rules`; `promtool test rules` shows when they fire."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import yaml

from perfpilot.artifacts import Baseline, EndpointStats, LatencyPercentiles
from perfpilot.skills.observability.alerts import alert_rules, dump_rules
from perfpilot.skills.observability.limits import regression_limits
from perfpilot.target.spec import Target

HOSTILE = 'x"} {{ .Labels }} `rm -rf`'


def _rules() -> dict[str, Any]:
    target = Target.model_validate(
        {
            "name": "shop",
            "evidence": {
                "http": {
                    "base_url": "http://127.0.0.1:8080",
                    "endpoints": [
                        {"name": "fast", "path": "/fast"},
                        {"name": "slow", "path": "/slow"},
                        {"name": "broken", "path": "/err"},
                        {"name": HOSTILE, "path": f"/h/{HOSTILE}"},
                    ],
                }
            },
        }
    )
    measured = [
        EndpointStats(name=name, requests=10, error_rate=0.0, latency=LatencyPercentiles(p95_ms=100))
        for name in ("fast", "slow", "broken", HOSTILE)
    ]
    limits = regression_limits(
        target, Baseline(overall=measured[0].model_copy(update={"name": "overall"}), endpoints=measured), 0.2
    )
    rules, notes = alert_rules("shop", limits, with_method=True)
    assert notes == []  # no SLO: static regression alerts, no histogram assumptions
    return rules


def _series(route: str, buckets: dict[str, str], status: str = "200") -> list[dict[str, str]]:
    labels = f'route="{route}",method="GET",status="{status}"'
    rows = [
        {"series": f'http_request_duration_seconds_bucket{{{labels},le="{le}"}}', "values": v}
        for le, v in buckets.items()
    ]
    rows.append({"series": f"http_request_duration_seconds_count{{{labels}}}", "values": buckets["+Inf"]})
    return rows


def _rule(rules: dict[str, Any], alert: str) -> dict[str, Any]:
    found: dict[str, Any] = next(r for r in rules["groups"][0]["rules"] if r["alert"] == alert)
    return found


def test_generated_rules_pass_promtool_check(promtool: str, tmp_path: Path) -> None:
    path = tmp_path / "alerts.yml"
    path.write_text(dump_rules(_rules()), encoding="utf-8")
    done = subprocess.run(
        [promtool, "check", "rules", str(path)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SUCCESS" in done.stdout


def test_alerts_fire_on_slow_and_failing_routes_only(promtool: str, tmp_path: Path) -> None:
    rules = _rules()
    (tmp_path / "alerts.yml").write_text(dump_rules(rules), encoding="utf-8")
    steady = "0+60x30"  # 60 requests a minute for 30 minutes
    fast = _series("/fast", {"0.05": steady, "0.1": steady, "0.5": steady, "+Inf": steady})
    slow = _series("/slow", {"0.05": "0+0x30", "0.1": "0+0x30", "0.5": steady, "+Inf": steady})
    broken = _series("/err", {"0.05": steady, "0.1": steady, "0.5": steady, "+Inf": steady}, status="500")

    def expect(alert: str, fires: bool) -> dict[str, Any]:
        rule = _rule(rules, alert)
        alerts = [{"exp_labels": rule["labels"], "exp_annotations": rule["annotations"]}] if fires else []
        return {"eval_time": "20m", "alertname": alert, "exp_alerts": alerts}

    test = {
        "rule_files": ["alerts.yml"],
        "evaluation_interval": "1m",
        "tests": [
            {
                "interval": "1m",
                "input_series": fast + slow + broken,
                "alert_rule_test": [
                    expect("PerfpilotP95LatencyHigh_slow", True),
                    expect("PerfpilotP95LatencyHigh_fast", False),
                    expect("PerfpilotErrorRateHigh_broken", True),
                    expect("PerfpilotErrorRateHigh_fast", False),
                    expect("PerfpilotErrorRateHigh_slow", False),
                ],
            }
        ],
    }
    (tmp_path / "test.yml").write_text(yaml.safe_dump(test, sort_keys=False), encoding="utf-8")
    done = subprocess.run(
        [promtool, "test", "rules", str(tmp_path / "test.yml")], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
