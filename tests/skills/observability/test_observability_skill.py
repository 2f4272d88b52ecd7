"""The observability-stack-configurator skill: regression files from the validated Baseline; scrape advice."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from perfpilot.artifacts import Baseline, EndpointStats, LatencyPercentiles
from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.skills.base import SkillContext, SkillError
from perfpilot.skills.load_test.skill import LoadTestOutput
from perfpilot.skills.observability.ci import ACTION_REF
from perfpilot.skills.observability.skill import SKILL
from perfpilot.skills.registry import load_skill_folder
from perfpilot.target.spec import Target

SKILL_FOLDER = Path(__file__).resolve().parents[3] / "perfpilot" / "skills" / "observability"
SECRET = "s3cret-token"


def _target(slos: dict[str, Any] | None = None) -> Target:
    return Target.model_validate(
        {
            "name": "shop",
            "slos": slos if slos is not None else {"p95_ms": 100, "error_rate": 0.01},
            "evidence": {
                "metrics": [{"url": f"http://scraper:{SECRET}@127.0.0.1:9100/metrics"}],
                "http": {
                    "base_url": "http://127.0.0.1:8080",
                    "endpoints": [
                        {"name": "product", "path": "/products/${id}", "params": {"id": ["1"]}},
                        {"name": "search", "path": "/search?q=${q}", "params": {"q": ["lamp"]}},
                    ],
                },
            },
        }
    )


def _after() -> LoadTestOutput:
    def stats(name: str, p95: float) -> EndpointStats:
        return EndpointStats(
            name=name, requests=50, rps=5, error_rate=0.0, latency=LatencyPercentiles(p95_ms=p95)
        )

    baseline = Baseline(overall=stats("overall", 60), endpoints=[stats("product", 20), stats("search", 150)])
    return LoadTestOutput(profile="baseline", label="after", baseline=baseline)


def test_skill_folder_is_valid() -> None:
    registered = load_skill_folder(SKILL_FOLDER)
    assert registered.name == "observability-stack-configurator" and registered.skill is SKILL


def test_regression_writes_alerts_dashboard_gate_and_ci(promtool: str, tmp_path: Path) -> None:
    ctx = SkillContext(
        evidence=EvidenceBundle(target=_target()), workdir=tmp_path, earlier={"load-test-runner": _after()}
    )
    out = SKILL.invoke({"mode": "regression", "margin": 0.2}, ctx)

    names = sorted(Path(p).name for p in out.artifacts)
    assert names == [
        "github-actions-performance.yml",
        "grafana-dashboard.json",
        "k6-gate.js",
        "prometheus-alerts.yml",
        "prometheus.yml",
    ]
    assert all(Path(p).is_file() for p in out.artifacts)
    assert out.baseline_source == "load-test-runner (after)"
    limits = {lim.name: lim for lim in out.limits}
    assert limits["product"].p95_ms == 100 and limits["search"].p95_ms == pytest.approx(180)
    assert out.checks and all(c.ok for c in out.checks), [c.output for c in out.checks]

    files = {Path(p).name: Path(p).read_text(encoding="utf-8") for p in out.artifacts}
    dashboard = json.loads(files["grafana-dashboard.json"])
    assert dashboard["schemaVersion"] == 39
    assert dashboard["templating"]["list"][0]["type"] == "datasource"
    titles = [p["title"] for p in dashboard["panels"]]
    assert "p95 latency, product" in titles and "p95 latency, search" in titles
    assert {t["datasource"]["uid"] for p in dashboard["panels"] for t in p["targets"]} == {"${datasource}"}
    workflow = yaml.safe_load(files["github-actions-performance.yml"])
    runs = [s.get("run", "") for s in workflow["jobs"]["performance"]["steps"]]
    (perfpilot,) = [s for s in workflow["jobs"]["performance"]["steps"] if s.get("uses") == ACTION_REF]
    assert perfpilot["with"] == {"target": "target.yaml", "out": "perf-report", "python": "python"}
    assert any(r.startswith("k6 run ") and r.endswith("perf/k6-gate.js") for r in runs)
    assert "http_req_duration{name:GET /search?q=${q}}" in files["k6-gate.js"]
    assert SECRET not in "".join(files.values())
    # no route labels in the (empty) metrics evidence: overall SLO alerts only, and the report says so
    alert_names = [r["alert"] for g in yaml.safe_load(files["prometheus-alerts.yml"])["groups"]
                   for r in g["rules"] if "alert" in r]
    assert alert_names == [
        "SLOBurnRatePage_overall_availability", "SLOBurnRateTicket_overall_availability",
        "SLOBurnRatePage_overall_latency", "SLOBurnRateTicket_overall_latency",
    ]
    assert out.notes[:2] == [
        "the metrics evidence has no 'route' label values on the latency histogram: one overall set of "
        "alerts, none per endpoint (the k6 gate still checks each endpoint)",
        'the latency SLI needs a histogram bucket at le="0.1" (no buckets in the evidence)',
    ]


def test_scrape_config_mode_names_what_to_collect(promtool: str, tmp_path: Path) -> None:
    ctx = SkillContext(evidence=EvidenceBundle(target=_target()), workdir=tmp_path)
    out = SKILL.invoke({"mode": "scrape_config"}, ctx)

    wanted = {m.name: m for m in out.metrics_to_scrape}
    assert "http_request_duration_seconds" in wanted and not wanted["http_request_duration_seconds"].present
    assert [Path(p).name for p in out.artifacts] == ["prometheus.yml", "otel-collector.yaml"]
    config = yaml.safe_load(Path(out.artifacts[0]).read_text(encoding="utf-8"))
    assert config["scrape_configs"][0]["static_configs"][0]["targets"] == ["127.0.0.1:9100"]
    assert len(out.checks) == 1 and out.checks[0].ok
    collector = yaml.safe_load(Path(out.artifacts[1]).read_text(encoding="utf-8"))
    assert collector["receivers"]["otlp"]["protocols"]["http"]["endpoint"] == "127.0.0.1:4318"
    traces = collector["service"]["pipelines"]["traces"]
    assert traces["exporters"] == ["file/traces"]
    assert collector["exporters"]["file/traces"]["format"] == "json"
    assert "no traces in the evidence" in out.notes[-1]


def test_regression_without_baseline_or_slo_is_refused(tmp_path: Path) -> None:
    ctx = SkillContext(evidence=EvidenceBundle(target=_target({})), workdir=tmp_path)
    with pytest.raises(SkillError, match="nothing to hold"):
        SKILL.invoke({"mode": "regression"}, ctx)
