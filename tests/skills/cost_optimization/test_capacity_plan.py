"""Capacity plan from a stress run's breaking point: the arithmetic, the one-worker-per-node waste,
a shortfall, and no downsizing of a group the plan sizes."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfpilot.artifacts import Baseline, BreakingPoint, EndpointStats, LoadTestRun
from perfpilot.evidence.load import load_evidence
from perfpilot.evidence.models import Instance
from perfpilot.skills.base import SkillContext
from perfpilot.skills.cost_optimization.capacity import peak_load, plan_capacity
from perfpilot.skills.cost_optimization.capacity_finding import capacity_findings, without_downsizing
from perfpilot.skills.cost_optimization.skill import SKILL
from perfpilot.target.spec import EvidenceSources, InfrastructureSource, LoadTestSource, Slos, Target

K6 = Path(__file__).resolve().parents[2] / "fixtures" / "k6"


def _run(max_good_rps: float, processes: int | None, served_by: str | None = "app") -> LoadTestRun:
    point = BreakingPoint(
        at_s=20,
        window_s=1,
        rps=max_good_rps,
        crossed=["p95_ms"],
        limits={"p95_ms": 200},
        limits_from="slo",
        max_good_rps=max_good_rps,
    )
    return LoadTestRun(
        source="stress.json",
        role="stress",
        role_basis="declared",
        breaking_point=point,
        processes=processes,
        served_by=served_by,
    )


def _node(count: int = 2, vcpu: float = 4, cpu_p95: float | None = 0.27) -> Instance:
    return Instance(
        name="app",
        instance_type="m5.xlarge",
        count=count,
        vcpu=vcpu,
        memory_gib=16,
        hourly_usd=0.192,
        cpu_util_p95=cpu_p95,
        mem_util_p95=0.12,
    )


def test_peak_is_declared_or_twice_the_measured_average() -> None:
    measured = Baseline(overall=EndpointStats(name="overall", rps=20.0), sources=["baseline.json"])
    assert peak_load(Slos(peak_rps=120), measured, set()).rps == 120  # type: ignore[union-attr]
    doubled = peak_load(Slos(), measured, set())
    assert doubled is not None and doubled.rps == 40.0 and doubled.basis.startswith("2 x the measured")
    assert peak_load(Slos(), measured, {"baseline.json"}) is None  # a stress run's average is no average


def test_one_worker_per_four_core_node() -> None:
    peak = peak_load(Slos(peak_rps=40), Baseline(), set())
    assert peak is not None
    plan = plan_capacity(_run(50, processes=2), peak, _node(), 0.7)
    assert plan is not None
    # 50 req/s / 2 processes = 25 per process; 40 / (25 x 0.7) = 2.29 -> 3 processes; 4 per node -> 1 node
    assert (plan.per_unit_rps, plan.units_needed, plan.workers_per_node, plan.nodes_needed) == (25.0, 3, 4, 1)
    assert plan.single_worker_waste and plan.shortfall
    [finding] = capacity_findings(plan)
    assert finding.kind == "single_worker_multicore_node" and finding.complexity == "quick_fix"
    assert finding.estimate is not None
    assert (finding.estimate.current, finding.estimate.expected, finding.estimate.unit) == (2.0, 1.0, "nodes")
    assert finding.monthly_cost_change_usd == -140.16  # one m5.xlarge fewer
    assert "= 2.29 -> 3 process(es)" in finding.estimate.method
    assert finding.impact == 0.75  # 3 of 4 cores idle on each node


def test_busy_nodes_are_not_single_worker_waste_and_a_short_peak_asks_for_more() -> None:
    peak = peak_load(Slos(peak_rps=200), Baseline(), set())
    assert peak is not None
    plan = plan_capacity(_run(100, processes=8), peak, _node(count=2, cpu_p95=0.9), 0.7)
    assert plan is not None and not plan.single_worker_waste
    # 12.5 per process; 200 / (12.5 x 0.7) = 22.9 -> 23 processes; 4 per node -> 6 nodes
    assert (plan.units_needed, plan.nodes_needed) == (23, 6)
    [finding] = capacity_findings(plan)
    assert finding.kind == "capacity_shortfall"
    assert finding.estimate is not None and (finding.estimate.current, finding.estimate.expected) == (
        8.0,
        23.0,
    )
    assert finding.monthly_cost_change_usd == 560.64  # 2 -> 6 m5.xlarge: 4 x $0.192/h x 730 h


def test_without_processes_the_plan_counts_tested_deployments() -> None:
    peak = peak_load(Slos(peak_rps=100), Baseline(), set())
    assert peak is not None
    plan = plan_capacity(_run(50, processes=None), peak, _node(count=2), 0.7)
    assert plan is not None and (plan.units_needed, plan.nodes_needed) == (3, 6)  # 100 / 35 -> 3 x 2 nodes
    assert plan_capacity(_run(0, processes=1), peak, None, 0.7) is None


def test_enough_capacity_gives_no_finding() -> None:
    peak = peak_load(Slos(peak_rps=10), Baseline(), set())
    assert peak is not None
    plan = plan_capacity(_run(100, processes=4), peak, _node(count=1, cpu_p95=0.8), 0.7)
    assert plan is not None and capacity_findings(plan) == []


def test_skill_withholds_downsizing_the_group_the_plan_sizes(tmp_path: Path) -> None:
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text(
        "instances:\n  - {name: app, role: app, instance_type: m5.xlarge, count: 2, vcpu: 4,\n"
        "     memory_gib: 16, hourly_usd: 0.192, cpu_util_avg: 0.12, cpu_util_p95: 0.27,\n"
        "     mem_util_avg: 0.1, mem_util_p95: 0.12}\n"
    )
    target = Target(
        name="orders",
        slos=Slos(p95_ms=200, error_rate=0.01),
        evidence=EvidenceSources(
            load_tests=[
                K6 / "baseline-summary.json",
                LoadTestSource(
                    path=K6 / "stress-summary.json",
                    role="stress",
                    timeseries=K6 / "stress-timeseries.json.gz",
                    processes=2,
                    served_by="app",
                ),
            ],
            infrastructure=InfrastructureSource(inventory=inventory),
        ),
    )
    out = SKILL.invoke({}, SkillContext(evidence=load_evidence(target), workdir=tmp_path))
    assert [f.kind for f in out.findings] == ["single_worker_multicore_node"]
    assert "rightsize_instance on app withheld" in " ".join(out.notes)
    assert out.net_monthly_cost_change_usd == -140.16  # 2 -> 1 m5.xlarge at $0.192/h x 730 h; no rightsizing
    [finding] = out.findings
    assert finding.estimate is not None
    assert "peak 40.01 req/s (2 x the measured average 20.01 req/s" in finding.estimate.method


def test_without_downsizing_keeps_other_groups() -> None:
    peak = peak_load(Slos(peak_rps=40), Baseline(), set())
    assert peak is not None
    plan = plan_capacity(_run(50, processes=2), peak, _node(), 0.7)
    assert plan is not None
    other = capacity_findings(plan)[0].model_copy(update={"kind": "rightsize_instance", "subject": "db"})
    kept, notes = without_downsizing([other], [plan])
    assert kept == [other] and notes == []


@pytest.mark.parametrize("vcpu", [1, 1.5])
def test_a_single_core_node_is_no_waste(vcpu: float) -> None:
    peak = peak_load(Slos(peak_rps=10), Baseline(), set())
    assert peak is not None
    plan = plan_capacity(_run(50, processes=2), peak, _node(vcpu=vcpu), 0.7)
    assert plan is not None and not plan.single_worker_waste
