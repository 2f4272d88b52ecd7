"""Kubernetes requests sized from observed usage (strategy.py), priced per core and GiB like Fargate."""

from __future__ import annotations

from dataclasses import dataclass

from perfpilot.artifacts import EvidenceRef, Finding, Remediation
from perfpilot.evidence.models import K8sContainer, K8sWorkload
from perfpilot.skills.cost_optimization.pricing import (
    FARGATE_GIB_HOUR_USD,
    FARGATE_VCPU_HOUR_USD,
    MIN_RATE_INTERVALS,
    MIN_REQUEST_CHANGE,
)
from perfpilot.skills.cost_optimization.scoring import cost_finding, monthly_usd, share, usd_month_estimate
from perfpilot.skills.cost_optimization.strategy import RequestStrategy, round_up
from perfpilot.skills.cost_optimization.usage import ContainerUsage

REQUESTS_IMPACT_FORMULA = (
    "impact = |value(current requests) - value(sized requests)| / the larger of the two: the share of "
    "this container's reservation that usage does not match"
)


def replicas_of(workload: K8sWorkload) -> int:
    """Running copies: the larger of spec.replicas and the HPA minimum."""
    return max(workload.replicas, workload.hpa_min or 0, 1)


def request_value_usd_month(cores: float, mib: float, replicas: int) -> float:
    """Monthly value of requested cores and memory at Fargate's per-vCPU and per-GB prices."""
    hourly = cores * FARGATE_VCPU_HOUR_USD + mib / 1024 * FARGATE_GIB_HOUR_USD
    return monthly_usd(hourly, replicas)


@dataclass(frozen=True)
class Sizing:
    """Requests (and limits raised to the peak) sized from usage, next to the current ones."""

    cpu_now: float
    mem_now: float
    cpu_new: float
    mem_new: float
    cpu_limit_new: float | None
    mem_limit_new: float | None


def _changed(now: float, new: float) -> bool:
    return now <= 0 < new or (now > 0 and abs(new - now) / now >= MIN_REQUEST_CHANGE)


def size_container(
    workload: K8sWorkload, container: K8sContainer, usage: ContainerUsage, strategy: RequestStrategy
) -> Sizing | None:
    """The sizing when a request moves by MIN_REQUEST_CHANGE or more, or a limit sits below what the
    measured peak needs (CPU: the peak; memory: the peak plus the buffer)."""
    cpu_now, mem_now = container.cpu_request or 0.0, container.memory_request_mib or 0.0
    cpu_q = usage.cpu_percentile(strategy.percentile_for(workload))
    peak_mib = usage.memory_mib
    cpu_sized = round_up(cpu_q, 0.001) if cpu_q is not None else None
    mem_sized = round_up(peak_mib * (1 + strategy.memory_buffer), 1.0) if peak_mib is not None else None
    cpu_new = cpu_sized if cpu_sized is not None and _changed(cpu_now, cpu_sized) else cpu_now
    mem_new = mem_sized if mem_sized is not None and _changed(mem_now, mem_sized) else mem_now
    peak = usage.cpu_cores
    limit = container.cpu_limit
    cpu_limit_new = round_up(peak, 0.001) if limit is not None and peak is not None and limit < peak else None
    mem_limit = container.memory_limit_mib
    mem_limit_new = (
        mem_sized if mem_limit is not None and mem_sized is not None and mem_limit < mem_sized else None
    )
    if (cpu_new, mem_new) == (cpu_now, mem_now) and cpu_limit_new is None and mem_limit_new is None:
        return None
    return Sizing(cpu_now, mem_now, cpu_new, mem_new, cpu_limit_new, mem_limit_new)


def subject_of(workload: K8sWorkload, container: K8sContainer) -> str:
    """'<namespace>/<kind>/<name>/<container>', the subject of every Kubernetes finding."""
    return f"{workload.namespace}/{workload.kind.lower()}/{workload.name}/{container.name}"


def _resources(sizing: Sizing) -> str:
    text = (
        f'resources:\n  requests:\n    cpu: "{round(sizing.cpu_new * 1000)}m"\n'
        f'    memory: "{int(sizing.mem_new)}Mi"\n'
    )
    limits = []
    if sizing.cpu_limit_new is not None:
        limits.append(f'    cpu: "{round(sizing.cpu_limit_new * 1000)}m"  # was below the measured peak\n')
    if sizing.mem_limit_new is not None:
        limits.append(f'    memory: "{int(sizing.mem_limit_new)}Mi"  # was below peak + buffer\n')
    return text + ("  limits:\n" + "".join(limits) if limits else "")


def _observed(usage: ContainerUsage, strategy_q: float) -> str:
    q = usage.cpu_percentile(strategy_q)
    cpu = (
        "no CPU rate"
        if q is None
        else f"CPU p{strategy_q * 100:.0f} {q:.3f} / peak {usage.cpu_cores:.3f} cores over "
        f"{len(usage.cpu_rates)} interval(s)"
    )
    memory = "no memory" if usage.memory_mib is None else f"peak working set {usage.memory_mib:.0f} MiB"
    few = (
        f" (fewer than {MIN_RATE_INTERVALS} intervals: the percentile is close to the peak)"
        if q is not None and len(usage.cpu_rates) < MIN_RATE_INTERVALS
        else ""
    )
    return f"{cpu}, {memory}, {usage.pods} pod(s), {usage.window_s:.0f} s window{few}"


def requests_finding(
    workload: K8sWorkload, container: K8sContainer, usage: ContainerUsage, strategy: RequestStrategy
) -> Finding | None:
    """Requests sized from usage percentiles (krr's simple strategy), in either direction: a decrease
    is `k8s_overprovisioned_requests`, an increase `k8s_underprovisioned_requests`."""
    sizing = size_container(workload, container, usage, strategy)
    if sizing is None:
        return None
    replicas = replicas_of(workload)
    current = request_value_usd_month(sizing.cpu_now, sizing.mem_now, replicas)
    expected = request_value_usd_month(sizing.cpu_new, sizing.mem_new, replicas)
    up = expected > current
    kind = "k8s_underprovisioned_requests" if up else "k8s_overprovisioned_requests"
    impact = share(abs(current - expected), max(current, expected))
    subject = subject_of(workload, container)
    values = {
        "cpu_request": sizing.cpu_now,
        "memory_request_mib": sizing.mem_now,
        "replicas": float(replicas),
    }
    q = strategy.percentile_for(workload)
    if (cpu_q := usage.cpu_percentile(q)) is not None and usage.cpu_cores is not None:
        values[f"cpu_p{q * 100:.0f}_cores"] = round(cpu_q, 4)
        values["cpu_peak_cores"] = round(usage.cpu_cores, 4)
    if usage.memory_mib is not None:
        values["memory_peak_mib"] = round(usage.memory_mib, 1)
    title = (
        f"{workload.name}/{container.name} requests less than it uses"
        if up
        else f"{workload.name}/{container.name} requests more than it uses"
    )
    why = (
        "requests below use leave the pod to be throttled or evicted under node pressure"
        if up
        else "requests reserve node capacity the scheduler cannot give to others"
    )
    return cost_finding(
        kind=kind,
        subject=subject,
        title=title,
        root_cause=(
            f"requests {sizing.cpu_now:g} cores / {sizing.mem_now:.0f} MiB x{replicas} replicas; observed "
            f"{_observed(usage, q)}; {why}."
        ),
        impact=impact,
        estimate=usd_month_estimate(
            current,
            expected,
            f"{strategy.describe(workload)}; value = (cores * {FARGATE_VCPU_HOUR_USD} + GiB * "
            f"{FARGATE_GIB_HOUR_USD}) USD/h (Fargate us-east-1) * 730 * replicas {replicas}; "
            f"{REQUESTS_IMPACT_FORMULA}",
        ),
        remediation=Remediation(
            kind="config",
            title=f"Set {workload.name}/{container.name} requests from observed usage",
            content=(
                f"# {workload.kind} {workload.namespace}/{workload.name}, container {container.name}\n"
                + _resources(sizing)
            ),
            rollback=f"kubectl rollout undo {workload.kind.lower()}/{workload.name} -n {workload.namespace}",
            effort_days=0.25,
            risk="medium" if up or sizing.cpu_limit_new or sizing.mem_limit_new else "low",
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
