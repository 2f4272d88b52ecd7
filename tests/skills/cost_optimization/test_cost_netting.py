"""The cost analysis nets increases against savings, and never downsizes below the measured peak."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.evidence.models import Instance
from perfpilot.skills.base import SkillContext
from perfpilot.skills.cost_optimization.skill import SKILL, CostOptimizationOutput
from tests.skills.cost_optimization.conftest import shop_target


def _instance(name: str, instance_type: str, count: int, hourly: float, cpu: float, mem: float,
              **extra: float) -> Instance:
    return Instance(
        name=name, role=name, instance_type=instance_type, count=count, vcpu=8, memory_gib=32,
        hourly_usd=hourly, cpu_util_avg=cpu * 0.2, cpu_util_p95=cpu, mem_util_avg=mem * 0.2, mem_util_p95=mem,
        **extra,
    )


def _run(instances: list[Instance], tmp_path: Path) -> CostOptimizationOutput:
    bundle = EvidenceBundle(target=shop_target("three app nodes behind a load balancer"), instances=instances)
    return SKILL.invoke({"include_kubernetes": False}, SkillContext(evidence=bundle, workdir=tmp_path))


def test_a_scale_out_is_netted_against_a_downsizing(tmp_path: Path) -> None:
    # web: m5.2xlarge x2 at p95 15%/15% -> two halvings to m5.large: 2 * 0.384 * 730 = 560.64 -> 140.16
    # api: 3 instances at p95 CPU 90% -> scale out to 4: one more m5.xlarge at 0.192/h = +140.16
    web = _instance("web", "m5.2xlarge", 2, 0.384, 0.15, 0.15)
    api = _instance("api", "m5.xlarge", 3, 0.192, 0.90, 0.50)
    out = _run([web, api], tmp_path)
    changes = {f.kind: f.monthly_cost_change_usd for f in out.findings}
    assert changes == {"rightsize_instance": -420.48, "resource_constrained": 140.16}
    assert out.net_monthly_cost_change_usd == pytest.approx(-280.32, abs=0.001)
    assert out.net_monthly_cost_change == "decrease"


def test_a_total_that_is_an_increase_is_reported_as_one(tmp_path: Path) -> None:
    db = _instance("db", "r5.2xlarge", 1, 0.504, 0.93, 0.70)  # scale up: the price doubles, +367.92
    web = _instance("web", "m5.xlarge", 1, 0.192, 0.30, 0.30)  # one halving: -70.08
    out = _run([db, web], tmp_path)
    assert out.net_monthly_cost_change_usd == pytest.approx(367.92 - 70.08, abs=0.001)
    assert out.net_monthly_cost_change == "increase"
    assert any("raises the bill by $297.84/month" in note for note in out.notes)


def test_no_downsizing_where_the_measured_peak_needs_more(tmp_path: Path) -> None:
    # p95 15% would allow two halvings (60%); the 40% CPU peak allows one (80% <= 85%), a 50% one none.
    one_step = _instance("web", "m5.2xlarge", 1, 0.384, 0.15, 0.15, cpu_util_max=0.40)
    unbounded = _instance("web", "m5.2xlarge", 1, 0.384, 0.15, 0.15)
    (two,) = [f for f in _run([unbounded], tmp_path).findings if f.kind == "rightsize_instance"]
    assert "m5.large" in two.title and "peak (max) was not measured" in two.root_cause
    out = _run([one_step], tmp_path)
    (finding,) = [f for f in out.findings if f.kind == "rightsize_instance"]
    assert "m5.xlarge" in finding.title and "measured peak would be 80%" in finding.root_cause
    none = _instance("web", "m5.2xlarge", 1, 0.384, 0.15, 0.15, mem_util_max=0.50)
    assert not [f for f in _run([none], tmp_path).findings if f.kind == "rightsize_instance"]


def test_a_bursty_instance_is_not_idle(tmp_path: Path) -> None:
    quiet = _instance("batch", "m5.xlarge", 1, 0.192, 0.03, 0.10)
    assert [f.kind for f in _run([quiet], tmp_path).findings] == ["idle_instance"]
    bursty = _instance("batch", "m5.xlarge", 1, 0.192, 0.03, 0.10, cpu_util_max=0.30)
    kinds = [f.kind for f in _run([bursty], tmp_path).findings]
    assert "idle_instance" not in kinds and "rightsize_instance" in kinds
