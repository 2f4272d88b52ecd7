"""Requests sized like krr's simple strategy: exact figures per workload type and direction."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.evidence.models import K8sContainer, K8sWorkload, MetricSeries
from perfpilot.skills.base import SkillContext
from perfpilot.skills.cost_optimization.requests import size_container
from perfpilot.skills.cost_optimization.skill import SKILL, CostOptimizationOutput
from perfpilot.skills.cost_optimization.strategy import RequestStrategy
from perfpilot.skills.cost_optimization.usage import ContainerUsage
from perfpilot.target.spec import EvidenceSources, InfrastructureSource, Target

RATES = tuple(0.1 + 0.01 * i for i in range(100))  # 0.10 .. 1.09 cores
USAGE = ContainerUsage(cpu_rates=RATES, memory_bytes=(200 * 2**20, 400 * 2**20), pods=2, window_s=3000)


def _workload(kind: str = "Deployment", name: str = "web", **container: float) -> K8sWorkload:
    return K8sWorkload(
        kind=kind, name=name, namespace="shop", replicas=2,
        containers=[K8sContainer(name="app", image="app:1", **container)],
    )


@pytest.mark.parametrize(
    ("kind", "name", "strategy", "cpu"),
    [
        ("Deployment", "web", RequestStrategy(), 1.08),  # serving: p99
        ("Deployment", "queue-worker", RequestStrategy(), 1.04),  # batch-like by name: p95
        ("CronJob", "nightly", RequestStrategy(), 1.04),  # batch-like by kind
        ("Deployment", "web", RequestStrategy(cpu_percentile="p95"), 1.04),  # configured
    ],
)
def test_cpu_percentile_by_workload_type(kind: str, name: str, strategy: RequestStrategy, cpu: float) -> None:
    workload = _workload(kind, name, cpu_request=4.0, memory_request_mib=2048)
    sizing = size_container(workload, workload.containers[0], USAGE, strategy)
    assert sizing is not None
    assert (sizing.cpu_new, sizing.mem_new) == (cpu, 460.0)  # memory: peak 400 MiB x 1.15


def test_under_requested_container_is_an_increase_and_a_low_limit_is_raised(tmp_path: Path) -> None:
    workload = _workload(cpu_request=0.25, cpu_limit=0.5, memory_request_mib=256, memory_limit_mib=300)
    sizing = size_container(workload, workload.containers[0], USAGE, RequestStrategy())
    assert sizing is not None
    assert (sizing.cpu_new, sizing.mem_new, sizing.cpu_limit_new, sizing.mem_limit_new) == (
        1.08, 460.0, 1.09, 460.0,
    )


def test_changes_under_the_threshold_are_left_alone() -> None:
    workload = _workload(cpu_request=1.0, memory_request_mib=420)  # p99 1.08 (+8%), 460 MiB (+9.5%)
    assert size_container(workload, workload.containers[0], USAGE, RequestStrategy()) is None


def _series(pod: str, cores: float, mib: float) -> list[MetricSeries]:
    labels = {"namespace": "shop", "pod": pod, "container": "app"}
    cpu = [(60.0 * i, cores * 60.0 * i) for i in range(11)]
    return [
        MetricSeries(name="container_cpu_usage_seconds_total", labels=labels, points=cpu, kind="counter"),
        MetricSeries(
            name="container_memory_working_set_bytes",
            labels=labels,
            points=[(0.0, mib * 2**20)],
            kind="gauge",
        ),
    ]


def _run(workloads: list[K8sWorkload], series: list[MetricSeries], tmp_path: Path) -> CostOptimizationOutput:
    sources = EvidenceSources(infrastructure=InfrastructureSource(kubernetes=[Path("workloads.yaml")]))
    bundle = EvidenceBundle(target=Target(name="shop", evidence=sources), kubernetes=workloads, series=series)
    return SKILL.invoke({}, SkillContext(evidence=bundle, workdir=tmp_path))


def test_savings_and_increases_are_netted_and_unobserved_containers_named(tmp_path: Path) -> None:
    big = _workload(name="web", cpu_request=2.0, memory_request_mib=1024)
    small = _workload(name="api", cpu_request=0.1, memory_request_mib=128)
    blind = _workload(name="admin", cpu_request=0.5, memory_request_mib=256)
    series = _series("web-1", 0.2, 200) + _series("api-1", 0.9, 300)
    out = _run([big, small, blind], series, tmp_path)
    kinds = {(f.kind, f.subject) for f in out.findings}
    assert ("k8s_overprovisioned_requests", "shop/deployment/web/app") in kinds
    assert ("k8s_underprovisioned_requests", "shop/deployment/api/app") in kinds
    changes = [
        f.estimate.current - f.estimate.expected for f in out.findings if f.estimate and "requests" in f.kind
    ]
    assert len(changes) == 2 and changes[0] * changes[1] < 0  # one saves, one costs
    assert out.kubernetes_request_savings_usd_month == pytest.approx(round(sum(changes), 2), abs=0.01)
    assert any(n.startswith("no usage data for shop/deployment/admin/app") for n in out.notes)
