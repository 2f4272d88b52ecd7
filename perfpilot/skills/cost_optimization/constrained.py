"""Resource-constrained instances: saturation that drives latency, and single-node architecture limits."""

from __future__ import annotations

import re

from perfpilot.artifacts import Finding, ImpactEstimate, Remediation
from perfpilot.evidence.models import Instance
from perfpilot.skills.cost_optimization.instance_evidence import instance_ref
from perfpilot.skills.cost_optimization.pricing import ARCHITECTURE_LIMIT_P95, CONSTRAINED_P95
from perfpilot.skills.cost_optimization.scoring import (
    CONSTRAINED_IMPACT_FORMULA,
    cost_finding,
    monthly_usd,
)
from perfpilot.skills.cost_optimization.sizes import larger_size

_SINGLE_NODE = re.compile(
    r"\b(?:single|one)[- ](?:\w+[- ])?(?:node|instance|server|host|vm|machine)\b", re.IGNORECASE
)
"""'single-node', 'single instance', 'one small VM': the architecture has one machine to scale."""


def says_single_node(architecture: str) -> bool:
    """Whether the target's architecture text describes a single-node system."""
    return bool(_SINGLE_NODE.search(architecture))


def _saturated(instance: Instance) -> tuple[str, float] | None:
    """The more saturated resource past the bound: ('cpu' | 'memory', p95)."""
    candidates = [
        (name, value)
        for name, value in (("cpu", instance.cpu_util_p95), ("memory", instance.mem_util_p95))
        if value is not None and value > CONSTRAINED_P95
    ]
    return max(candidates, key=lambda c: c[1]) if candidates else None


def constrained_finding(
    instance: Instance, source: str, architecture: str, target_util: float
) -> Finding | None:
    """p95 CPU or memory past 85%: a bottleneck driver; scale out, or up when it cannot scale out."""
    saturated = _saturated(instance)
    if saturated is None:
        return None
    resource, p95 = saturated
    cpu_p95 = instance.cpu_util_p95 or 0.0
    limited = instance.count == 1 and cpu_p95 > ARCHITECTURE_LIMIT_P95 and says_single_node(architecture)
    bigger = larger_size(instance.instance_type)
    scale_up = limited or instance.count == 1
    if scale_up:
        expected = p95 / 2
        new_type = bigger or f"the next size above {instance.instance_type}"
        extra = monthly_usd(instance.hourly_usd, instance.count)
        action = f"scale up {instance.name} to {new_type} (2x vCPU and memory)"
        how = f"p95 {p95:.3f} / 2 after doubling the size; extra cost ${extra:,.2f}/month (price doubles)"
        content = f'Set instance_type = "{new_type}" for {instance.name} (was {instance.instance_type}).'
        rollback = f'Set instance_type back to "{instance.instance_type}".'
    else:
        expected = p95 * instance.count / (instance.count + 1)
        extra = monthly_usd(instance.hourly_usd, 1)
        action = f"scale out {instance.name} from {instance.count} to {instance.count + 1} instances"
        how = (
            f"p95 {p95:.3f} * {instance.count}/{instance.count + 1} with load spread evenly; "
            f"extra ${extra:,.2f}/month"
        )
        content = (
            f"Set count = {instance.count + 1} for {instance.name} "
            f"(or an autoscaling target of {target_util:.0%})."
        )
        rollback = f"Set count back to {instance.count}."
    impact = round(min(1.0, max(0.0, (p95 - target_util) / (1 - target_util))), 4)
    root_cause = (
        f"{instance.name} runs at p95 {resource} {p95:.0%} (> {CONSTRAINED_P95:.0%}): requests queue for "
        f"{resource}, a bottleneck driver."
    )
    if limited:
        root_cause += (
            f" It is a single instance past {ARCHITECTURE_LIMIT_P95:.0%} CPU and the architecture is "
            "single-node, "
            "so there is no horizontal scaling path: scaling up only buys time."
        )
    return cost_finding(
        kind="resource_constrained",
        subject=instance.name,
        title=f"{instance.name} is {resource}-constrained (p95 {p95:.0%}): bottleneck driver",
        root_cause=root_cause,
        impact=impact,
        estimate=ImpactEstimate(
            metric=f"{resource}_util_p95:{instance.name}",
            current=round(p95, 4),
            expected=round(expected, 4),
            unit="fraction",
            method=f"{how}; {CONSTRAINED_IMPACT_FORMULA}",
        ),
        complexity="architecture_limitation" if limited else "complex",
        remediation=Remediation(
            kind="infra",
            title=action[0].upper() + action[1:],
            content=content,
            rollback=rollback,
            effort_days=1.0 if not limited else 3.0,
            risk="medium",
        ),
        evidence=[instance_ref(instance, source)],
        monthly_cost_change_usd=extra,
    )
