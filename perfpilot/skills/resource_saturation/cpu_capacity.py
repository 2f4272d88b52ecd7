"""cpu_saturated: a node whose CPU is saturated, and the capacity plan the planned load needs.

CPU per request: the service's own process_cpu_seconds_total rate over its request rate in the same
window (a process on the saturated node's host, else the only one measured); without process metrics,
the node's busy cores over the load test's served rate (an upper bound: everything on the node counts).
Cores needed = planned load (peak, throughput target, or 2x the offered rate) x CPU per request /
TARGET_UTILISATION. A CPython process uses one core at most (the GIL), so a Python service (python_info
among the metrics) needs ceil(cores) worker processes, one per core; nodes of the measured size =
ceil(cores needed / the node's CPUs). The load test's served rate, when it dropped arrivals, is the
throughput ceiling measured (the breaking point when the run has a time series).
impact = the larger of 1 - the cores the service got / the cores it needs and the node's saturation
share, min(1, (utilisation - 0.7) / 0.3), as for the profiler's node bottleneck.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from perfpilot.artifacts import EvidenceRef, Finding, ImpactEstimate, LoadTestRun, Remediation
from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.evidence.window_models import NodeUsage, ProcessUsage, instance_host
from perfpilot.skills.cost_optimization.pricing import TARGET_UTILISATION
from perfpilot.skills.profiling.nodes import CPU_SATURATED
from perfpilot.skills.resource_saturation.findings import saturation_finding
from perfpilot.skills.resource_saturation.offered_load import OfferedLoad
from perfpilot.skills.resource_saturation.peak import PlannedLoad, planned_load
from perfpilot.skills.resource_saturation.served_requests import served_requests

OTHER_LOAD_CORES = 0.25
"""Busy cores on the node beyond the service's own that count as other workloads sharing it."""


@dataclass(frozen=True)
class CpuCost:
    seconds_per_request: float
    service_cores: float | None
    basis: str


@dataclass(frozen=True)
class CpuPlan:
    node: NodeUsage
    cost: CpuCost
    load: PlannedLoad
    python: bool

    @property
    def cores_needed(self) -> float:
        return self.load.rps * self.cost.seconds_per_request / TARGET_UTILISATION

    @property
    def processes(self) -> int | None:
        return max(1, math.ceil(self.cores_needed)) if self.python else None

    @property
    def nodes(self) -> int | None:
        cpus = self.node.cpus
        return max(1, math.ceil(math.ceil(self.cores_needed) / cpus)) if cpus else None

    @property
    def busy_cores(self) -> float:
        return (self.node.cpu_utilisation or 0.0) * (self.node.cpus or 1)

    @property
    def other_cores(self) -> float | None:
        if self.cost.service_cores is None:
            return None
        return max(0.0, self.busy_cores - self.cost.service_cores)

    def arithmetic(self) -> str:
        parts = [
            f"{self.load.rps:.1f} req/s ({self.load.basis}) x {self.cost.seconds_per_request * 1000:.1f} ms "
            f"CPU per request ({self.cost.basis}) / target utilisation {TARGET_UTILISATION:g} = "
            f"{self.cores_needed:.2f} cores"
        ]
        if self.processes is not None:
            parts.append(f"{self.processes} worker process(es), one per core (CPython's GIL)")
        if self.nodes is not None:
            parts.append(f"{self.nodes} node(s) of {self.node.cpus} CPUs (the measured node's size)")
        return "; ".join(parts)


def _process_for(node: NodeUsage, processes: list[ProcessUsage]) -> ProcessUsage | None:
    measured = [p for p in processes if p.cpu_cores is not None and p.job]
    host = instance_host(node.instance)
    same_host = [p for p in measured if instance_host(p.instance) == host]
    if len(same_host) == 1:
        return same_host[0]
    return measured[0] if len(measured) == 1 else None


def cpu_cost(node: NodeUsage, evidence: EvidenceBundle, load: OfferedLoad | None) -> CpuCost | None:
    """CPU seconds per request from the service's own counters, else from the node and the load test."""
    process = _process_for(node, evidence.processes)
    if process is not None and process.cpu_cores:
        served = served_requests(evidence.series, process.job, process.instance)
        if served is not None and served.rps:
            return CpuCost(
                process.cpu_cores / served.rps,
                process.cpu_cores,
                f"process_cpu_seconds_total {process.cpu_cores:.2f} cores / {served.rps:.1f} req/s of "
                f"{served.counter} ({process.job})",
            )
    served_rps = load.served_rps if load is not None else None
    if node.cpu_utilisation is not None and node.cpus and served_rps:
        busy = node.cpu_utilisation * node.cpus
        return CpuCost(
            busy / served_rps,
            None,
            f"node {node.node} busy {busy:.2f} cores / {served_rps:.1f} req/s served "
            f"({load.source if load else 'load test'}); an upper bound: every process on the node counts",
        )
    return None


def _ceiling(load: OfferedLoad | None, runs: list[LoadTestRun]) -> str:
    point = next((r.breaking_point for r in runs if r.breaking_point is not None), None)
    if point is not None:
        return f" The stress run broke at {point.rps:.1f} req/s ({', '.join(point.crossed)} crossed)."
    if load is not None and load.dropped and load.offered_rps and load.served_rps:
        return (
            f" {load.source} offered {load.offered_rps:.1f} req/s but the service served "
            f"{load.served_rps:.1f} req/s ({load.dropped:,} arrivals dropped): its throughput ceiling."
        )
    return ""


def _content(plan: CpuPlan) -> str:
    what = (
        f"Run {plan.processes} worker processes (gunicorn/uvicorn --workers {plan.processes}), one per core"
        if plan.processes is not None
        else f"Give the service {math.ceil(plan.cores_needed)} cores"
    )
    where = (
        f" on {plan.nodes} node(s) of {plan.node.cpus} vCPU dedicated to it" if plan.nodes is not None else ""
    )
    text = f"{what}{where} for {plan.load.rps:.1f} req/s: {plan.arithmetic()}."
    others = plan.other_cores
    if others is not None and others >= OTHER_LOAD_CORES:
        text += (
            f" Other processes used {others:.2f} of the node's {plan.busy_cores:.2f} busy cores: keep them "
            "off the service's vCPUs (or size a shared node for both)."
        )
    return text + " Then re-run the stress test to confirm the breaking point moved past the planned load."


def cpu_finding(
    node: NodeUsage, evidence: EvidenceBundle, load: OfferedLoad | None, runs: list[LoadTestRun]
) -> Finding | None:
    """The capacity finding for a CPU-saturated node, or None (not saturated, or no CPU cost per request)."""
    if node.cpu_utilisation is None or node.cpu_utilisation < CPU_SATURATED:
        return None
    cost = cpu_cost(node, evidence, load)
    offered = (load.offered_rps or load.served_rps) if load is not None else None
    planned = planned_load(evidence.target.slos, offered, load.source if load else "")
    if cost is None or planned is None:
        return None
    python = any(m.name == "python_info" for m in evidence.metrics)
    plan = CpuPlan(node=node, cost=cost, load=planned, python=python)
    got = cost.service_cores if cost.service_cores is not None else plan.busy_cores
    saturation = min(1.0, (node.cpu_utilisation - 0.7) / 0.3)
    impact = max(1 - got / plan.cores_needed, saturation) if plan.cores_needed > 0 else saturation
    ceiling = _ceiling(load, runs)
    facts = (
        f"node {node.node}: {node.cpu_utilisation:.0%} of {node.cpus} CPUs busy over {node.window_s:.0f} s"
        + (f"; the service used {cost.service_cores:.2f} cores" if cost.service_cores is not None else "")
        + f"; {cost.seconds_per_request * 1000:.1f} ms CPU per request"
    )
    return saturation_finding(
        kind="cpu_saturated",
        layer="infrastructure",
        subject=node.node,
        title=f"CPU of {node.node} is saturated: {planned.rps:.0f} req/s needs {plan.cores_needed:.1f} cores"
        + (f" ({plan.processes} worker processes)" if plan.processes else ""),
        root_cause=f"Requests queue for CPU: {facts}.{ceiling} Capacity plan: {plan.arithmetic()}.",
        impact=impact,
        estimate=ImpactEstimate(
            metric=f"cpu_util_p95:{node.node}",
            current=round(node.cpu_utilisation, 4),
            expected=TARGET_UTILISATION,
            unit="share",
            method=plan.arithmetic(),
        ),
        remediation=Remediation(
            kind="infra",
            title=f"Add CPU capacity: {plan.cores_needed:.1f} cores for {planned.rps:.0f} req/s",
            content=_content(plan),
            rollback="Scale back to the previous worker and node count.",
            effort_days=1,
            risk="low",
        ),
        evidence=[
            EvidenceRef(
                source=f"node_exporter ({node.job}, {node.instance})",
                excerpt=(facts + ceiling)[:2000],
                values={
                    "cpu_utilisation": round(node.cpu_utilisation, 4),
                    "cpu_ms_per_request": round(cost.seconds_per_request * 1000, 3),
                    "planned_rps": round(planned.rps, 3),
                    "cores_needed": round(plan.cores_needed, 3),
                    **({"processes": float(plan.processes)} if plan.processes else {}),
                    **({"nodes": float(plan.nodes)} if plan.nodes else {}),
                },
            )
        ],
        complexity="complex",
    )
