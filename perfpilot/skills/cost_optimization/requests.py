"""Kubernetes requests far above observed usage: the reserved-but-unused capacity, priced per core and GiB."""

from __future__ import annotations

import math

from perfpilot.artifacts import EvidenceRef, Finding, Remediation
from perfpilot.evidence.models import K8sContainer, K8sWorkload
from perfpilot.skills.cost_optimization.pricing import FARGATE_GIB_HOUR_USD, FARGATE_VCPU_HOUR_USD
from perfpilot.skills.cost_optimization.scoring import cost_finding, monthly_usd, share, usd_month_estimate
from perfpilot.skills.cost_optimization.usage import ContainerUsage

REQUESTS_IMPACT_FORMULA = (
    "impact = 1 - value(recommended requests) / value(current requests): the share of this container's "
    "reserved capacity that observed peaks never use"
)


def replicas_of(workload: K8sWorkload) -> int:
    """Running copies: the larger of spec.replicas and the HPA minimum."""
    return max(workload.replicas, workload.hpa_min or 0, 1)


def request_value_usd_month(cores: float, mib: float, replicas: int) -> float:
    """Monthly value of requested cores and memory at Fargate's per-vCPU and per-GB prices."""
    hourly = cores * FARGATE_VCPU_HOUR_USD + mib / 1024 * FARGATE_GIB_HOUR_USD
    return monthly_usd(hourly, replicas)


def _recommend(request: float | None, peak: float | None, target_util: float, step: float) -> float | None:
    """peak / target rounded up to `step`, when the request is at least twice that (else None)."""
    if request is None or peak is None or request <= 0:
        return None
    recommended = max(step, math.ceil(peak / target_util / step) * step)
    return round(recommended, 3) if recommended * 2 <= request else None


def subject_of(workload: K8sWorkload, container: K8sContainer) -> str:
    """'<namespace>/<kind>/<name>/<container>', the subject of every Kubernetes finding."""
    return f"{workload.namespace}/{workload.kind.lower()}/{workload.name}/{container.name}"


def overprovisioned_finding(
    workload: K8sWorkload, container: K8sContainer, usage: ContainerUsage, target_util: float
) -> Finding | None:
    """Requests at least twice what observed peaks need at the sizing target."""
    cpu_rec = _recommend(container.cpu_request, usage.cpu_cores, target_util, 0.01)
    mem_rec = _recommend(container.memory_request_mib, usage.memory_mib, target_util, 1.0)
    if cpu_rec is None and mem_rec is None:
        return None
    replicas = replicas_of(workload)
    cpu_now, mem_now = container.cpu_request or 0.0, container.memory_request_mib or 0.0
    cpu_new = cpu_rec if cpu_rec is not None else cpu_now
    mem_new = mem_rec if mem_rec is not None else mem_now
    current = request_value_usd_month(cpu_now, mem_now, replicas)
    expected = request_value_usd_month(cpu_new, mem_new, replicas)
    impact = share(current - expected, current)
    subject = subject_of(workload, container)
    peaks = f"peak {usage.cpu_cores if usage.cpu_cores is not None else 'n/a'} cores, " + (
        f"{usage.memory_mib:.0f} MiB" if usage.memory_mib is not None else "memory n/a"
    )
    values = {"cpu_request": cpu_now, "memory_request_mib": mem_now, "replicas": float(replicas)}
    if usage.cpu_cores is not None:
        values["cpu_peak_cores"] = round(usage.cpu_cores, 4)
    if usage.memory_mib is not None:
        values["memory_peak_mib"] = round(usage.memory_mib, 1)
    return cost_finding(
        kind="k8s_overprovisioned_requests",
        subject=subject,
        title=f"{workload.name}/{container.name} requests far more than it uses",
        root_cause=(
            f"requests {cpu_now} cores / {mem_now:.0f} MiB x{replicas} replicas; observed {peaks} over "
            f"{usage.pods} pod(s); requests reserve node capacity the scheduler cannot give to others."
        ),
        impact=impact,
        estimate=usd_month_estimate(
            current,
            expected,
            f"recommended = peak / {target_util} rounded up (0.01 core, 1 MiB); value = (cores * "
            f"{FARGATE_VCPU_HOUR_USD} + GiB * {FARGATE_GIB_HOUR_USD}) USD/h (Fargate us-east-1) * 730 * "
            f"replicas {replicas}; {REQUESTS_IMPACT_FORMULA}",
        ),
        remediation=Remediation(
            kind="config",
            title=f"Lower {workload.name}/{container.name} requests to observed peak / {target_util:.0%}",
            content=(
                f"# {workload.kind} {workload.namespace}/{workload.name}, container {container.name}\n"
                f'resources:\n  requests:\n    cpu: "{round(cpu_new * 1000)}m"\n'
                f'    memory: "{int(mem_new)}Mi"\n'
            ),
            rollback=f"kubectl rollout undo {workload.kind.lower()}/{workload.name} -n {workload.namespace}",
            effort_days=0.25,
            risk="low",
            auto_applicable=False,
        ),
        evidence=[
            EvidenceRef(
                source=workload.source or "kubernetes",
                line=workload.line,
                excerpt=f"{workload.kind} {workload.name} container {container.name} ({container.image})",
                values=values,
            )
        ],
    )
