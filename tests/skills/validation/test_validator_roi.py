"""ROI: planned cost changes netted in one sum; gains and payback only from a measured after."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfpilot.artifacts import (
    Baseline,
    BottleneckInventory,
    Change,
    EndpointStats,
    Finding,
    ImplementationPlan,
    LatencyPercentiles,
    RootCauseReport,
    ValidationReport,
)
from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.reports.markdown import roi_line
from perfpilot.skills.base import PriorArtifacts, SkillContext
from perfpilot.skills.load_test.skill import LoadTestOutput
from perfpilot.skills.validation.skill import SKILL, ValidatorInput
from perfpilot.target.spec import EvidenceSources, MetricsSource, Target


def _baseline(rps: float) -> Baseline:
    stats = EndpointStats(name="overall", requests=100, rps=rps, latency=LatencyPercentiles(p95_ms=200))
    return Baseline(overall=stats)


def _cost(id_: str, change: float) -> Finding:
    return Finding(
        id=id_, skill="cost-optimization-analyzer", kind="k", layer="infrastructure", subject=id_, title=id_,
        root_cause="r", impact=0.1, monthly_cost_change_usd=change,
    )


def _report(tmp_path: Path, changes: dict[str, float], earlier: dict[str, object]) -> ValidationReport:
    findings = [_cost(id_, change) for id_, change in changes.items()] + [_cost("unplanned", -1000.0)]
    plan = ImplementationPlan(
        changes=[
            Change(id=f"c-{id_}", finding_id=id_, group="quick_wins", kind="infra", title="t", content="c",
                   rollback="r", effort_days=1.0)
            for id_ in changes
        ]
    )
    prior = PriorArtifacts(
        inventory=BottleneckInventory(baseline=_baseline(100)),
        root_cause=RootCauseReport(findings=findings),
        plan=plan,
    )
    target = Target(name="t", evidence=EvidenceSources(metrics=[MetricsSource(path=tmp_path / "m.prom")]))
    ctx = SkillContext(
        evidence=EvidenceBundle(target=target), workdir=tmp_path, prior=prior, earlier=earlier  # type: ignore[arg-type]
    )
    return SKILL.run(ValidatorInput(engineer_day_usd=800), ctx).report


def _measured(rps: float) -> dict[str, object]:
    return {"load-test-runner": LoadTestOutput(profile="baseline", label="after", baseline=_baseline(rps))}


def test_a_mixed_up_and_down_plan_nets_in_one_sum(tmp_path: Path) -> None:
    report = _report(tmp_path, {"down": -420.48, "out": 140.16}, _measured(120))
    assert report.method == "measured"
    assert report.roi.monthly_savings_usd == pytest.approx(280.32)
    assert report.roi.throughput_gain_pct == pytest.approx(20.0)
    # effort 2 days x 800 USD / (280.32 / 30) USD a day
    assert report.roi.payback_days == pytest.approx(171.2)
    assert roi_line(report) == (
        "ROI: savings 280 USD/month (estimated), throughput +20% (measured), effort 2 days, payback 171 days"
    )


def test_roi_is_unknown_when_validation_is_projected(tmp_path: Path) -> None:
    report = _report(tmp_path, {"down": -420.48}, {})
    assert report.method == "projected"
    assert report.roi.monthly_savings_usd == pytest.approx(420.48)
    assert report.roi.throughput_gain_pct is None and report.roi.payback_days is None
    assert "unknown: the after figures are a projection" in report.roi.method
    assert roi_line(report) == (
        "ROI: savings 420 USD/month (estimated), throughput unknown, effort 1 day, payback unknown"
    )


def test_a_plan_that_costs_more_says_so_and_never_pays_back(tmp_path: Path) -> None:
    report = _report(tmp_path, {"up": 367.92, "down": -70.08}, _measured(100))
    assert report.roi.monthly_savings_usd == pytest.approx(-297.84)
    assert report.roi.payback_days is None
    assert roi_line(report) == (
        "ROI: net cost increase 298 USD/month (estimated), throughput no change (measured), effort 2 days, "
        "payback none (no net saving)"
    )
