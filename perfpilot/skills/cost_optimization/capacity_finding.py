"""Findings from a capacity plan: one worker per multi-core node, or a peak the deployment cannot carry;
and the guard that keeps downsizing findings away from a group the measured peak needs more of."""

from __future__ import annotations

from perfpilot.artifacts import EvidenceRef, Finding, ImpactEstimate, Remediation
from perfpilot.skills.cost_optimization.capacity import CapacityPlan
from perfpilot.skills.cost_optimization.scoring import cost_finding, monthly_usd

DOWNSIZING_KINDS = frozenset({"rightsize_instance", "idle_instance"})


def _evidence(plan: CapacityPlan) -> EvidenceRef:
    point = plan.run.breaking_point
    values = {"capacity_rps": plan.capacity_rps, "peak_rps": round(plan.peak.rps, 3)}
    if point is not None:
        values.update({"break_rps": point.rps, **({"break_vus": point.vus} if point.vus is not None else {})})
    if plan.processes:
        values["processes"] = float(plan.processes)
    return EvidenceRef(source=plan.run.source, excerpt=plan.arithmetic()[:2000], values=values)


def _node_cost_change(plan: CapacityPlan) -> float | None:
    """What the planned node count costs more (positive) or less per month; None without nodes."""
    inst = plan.instance
    if inst is None or plan.nodes_needed is None:
        return None
    return monthly_usd(inst.hourly_usd, plan.nodes_needed) - monthly_usd(inst.hourly_usd, inst.count)


def _subject(plan: CapacityPlan) -> str:
    return plan.instance.name if plan.instance else plan.run.source


def _waste_finding(plan: CapacityPlan) -> Finding:
    inst = plan.instance
    assert inst is not None and plan.nodes_needed is not None and plan.workers_per_node is not None
    idle_cores = 1 - (plan.processes_per_node or 1) / inst.vcpu
    cpu = inst.cpu_util_p95 or inst.cpu_util_avg
    busy = (
        f"; node CPU p95 {cpu:.0%} of {inst.vcpu:g} vCPU = {cpu * inst.vcpu:.1f} core(s) busy" if cpu else ""
    )
    return cost_finding(
        kind="single_worker_multicore_node",
        subject=inst.name,
        title=f"{inst.name} runs one worker process per {inst.vcpu:g}-vCPU node",
        root_cause=(
            f"{plan.processes} worker process(es) on {inst.count} x {inst.instance_type}: one core per node "
            f"saturates while {idle_cores:.0%} of the node's cores idle{busy}. The stress run broke at "
            f"{plan.capacity_rps:g} req/s served."
        ),
        impact=round(min(1.0, idle_cores), 4),
        estimate=ImpactEstimate(
            metric=f"nodes:{inst.name}",
            current=float(inst.count),
            expected=float(plan.nodes_needed),
            unit="nodes",
            method=plan.arithmetic(),
        ),
        complexity="quick_fix",
        monthly_cost_change_usd=_node_cost_change(plan),
        remediation=Remediation(
            kind="config",
            title=f"Run {plan.workers_per_node} worker processes per {inst.instance_type} node",
            content=(
                f"Set the server's worker count to {plan.workers_per_node} per node (e.g. gunicorn --workers "
                f"{plan.workers_per_node}, uvicorn --workers {plan.workers_per_node}) and run "
                f"{plan.nodes_needed} node(s) for the peak of {plan.peak.rps:.1f} req/s (more if failover "
                "needs a spare node); re-run the stress test to confirm the per-process capacity holds with "
                "the cores shared."
            ),
            rollback="Set the worker count back to its previous value.",
            effort_days=0.5,
            risk="low",
        ),
        evidence=[_evidence(plan)],
    )


def _shortfall_finding(plan: CapacityPlan) -> Finding:
    have = plan.processes or 1
    missing = 1 - have / plan.units_needed
    unit = "worker processes" if plan.processes else "copies of the tested deployment"
    nodes = f" ({plan.nodes_needed} node(s) of {plan.instance.instance_type})" if plan.instance else ""
    return cost_finding(
        kind="capacity_shortfall",
        subject=_subject(plan),
        title=f"The peak of {plan.peak.rps:.1f} req/s needs {plan.units_needed} {unit}; {have} deployed",
        root_cause=(
            f"The stress run kept its limits up to {plan.capacity_rps:g} req/s; at the sizing target "
            f"{plan.target_util:g} the peak needs {plan.units_needed} {unit}{nodes}."
        ),
        impact=round(min(1.0, missing), 4),
        estimate=ImpactEstimate(
            metric=f"{'processes' if plan.processes else 'deployments'}:{_subject(plan)}",
            current=float(have),
            expected=float(plan.units_needed),
            unit="processes" if plan.processes else "deployments",
            method=plan.arithmetic(),
        ),
        complexity="complex",
        monthly_cost_change_usd=_node_cost_change(plan),
        remediation=Remediation(
            kind="infra",
            title=f"Scale to {plan.units_needed} {unit}{nodes}",
            content=(
                f"Add capacity to {plan.units_needed} {unit}{nodes} before the peak, behind the existing "
                "load balancer; re-run the stress test to confirm the breaking point moved past the peak."
            ),
            rollback="Scale back to the previous count.",
            effort_days=1,
            risk="low",
        ),
        evidence=[_evidence(plan)],
    )


def capacity_findings(plan: CapacityPlan) -> list[Finding]:
    """The waste finding when one worker runs per multi-core node, else a shortfall finding if any."""
    if plan.single_worker_waste:
        return [_waste_finding(plan)]
    return [_shortfall_finding(plan)] if plan.shortfall else []


def _sizing_reason(plan: CapacityPlan) -> str | None:
    """Why utilisation-based downsizing must not apply to the plan's group, if it must not."""
    if plan.shortfall or (
        plan.nodes_needed is not None and plan.instance and plan.nodes_needed > plan.instance.count
    ):
        return "the measured peak needs more capacity than is deployed"
    if plan.single_worker_waste:
        return "its utilisation was measured with one worker per node; the capacity plan sizes it instead"
    return None


def without_downsizing(findings: list[Finding], plans: list[CapacityPlan]) -> tuple[list[Finding], list[str]]:
    """Drop downsizing findings on a group the capacity plan sizes; notes say which and why."""
    reasons = {p.instance.name: r for p in plans if p.instance is not None and (r := _sizing_reason(p))}
    kept, notes = [], []
    for finding in findings:
        reason = reasons.get(finding.subject)
        if finding.kind in DOWNSIZING_KINDS and reason:
            notes.append(f"{finding.kind} on {finding.subject} withheld: {reason}")
        else:
            kept.append(finding)
    return kept, notes
