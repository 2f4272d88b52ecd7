"""Walk the instance inventory: every instance's findings, the fleet's cost and its net monthly change."""

from __future__ import annotations

from dataclasses import dataclass, field

from perfpilot.artifacts import Finding
from perfpilot.artifacts.findings import net_monthly_cost_change
from perfpilot.evidence.models import Instance
from perfpilot.skills.cost_optimization.commitment import commitment_finding
from perfpilot.skills.cost_optimization.constrained import constrained_finding
from perfpilot.skills.cost_optimization.priced import Pricing
from perfpilot.skills.cost_optimization.rightsizing import (
    idle_finding,
    is_idle,
    plan_resize,
    rightsizing_finding,
)
from perfpilot.skills.cost_optimization.scoring import monthly_usd


@dataclass
class FleetAnalysis:
    """Findings over the inventory plus the money figures the skill reports."""

    findings: list[Finding] = field(default_factory=list)
    monthly_cost_usd: float = 0.0
    monthly_cost_change_usd: float = 0.0
    """Savings (negative) and scale-ups/outs (positive) of every finding, in one sum."""


def analyse_fleet(
    instances: list[Instance],
    source: str,
    architecture: str,
    target_util: float,
    serving: dict[str, str] | None = None,
    pricing: Pricing | None = None,
) -> FleetAnalysis:
    """Idle instances save their whole cost; others save rightsizing plus a commitment on the new price;
    saturated ones cost more (scale up or out). The net change adds them all. An instance in `serving`
    (name -> the measured traffic it serves) does work, so it is never idle: at low utilisation it is
    over-provisioned and rightsized."""
    serving = serving or {}
    result = FleetAnalysis()
    result.monthly_cost_usd = round(sum(monthly_usd(i.hourly_usd, i.count) for i in instances), 2)
    for instance in sorted(instances, key=lambda i: i.name):
        constrained = constrained_finding(instance, source, architecture, target_util)
        if constrained is not None:
            result.findings.append(constrained)
            continue
        if is_idle(instance) and instance.name not in serving:
            result.findings.append(idle_finding(instance, source, result.monthly_cost_usd))
            continue
        hourly, instance_type, after = instance.hourly_usd, instance.instance_type, instance
        resize = plan_resize(instance, target_util, pricing)
        if resize is not None:
            result.findings.append(rightsizing_finding(instance, resize, source, result.monthly_cost_usd))
            hourly, instance_type = resize.hourly_usd, resize.instance_type
            after = instance.model_copy(update={"count": resize.count})
        commitment = commitment_finding(after, hourly, instance_type, source, result.monthly_cost_usd)
        if commitment is not None:
            result.findings.append(commitment)
    result.monthly_cost_change_usd = net_monthly_cost_change(result.findings) or 0.0
    return result
