"""Spot and reserved-capacity candidates among on-demand instances."""

from __future__ import annotations

from perfpilot.artifacts import Finding, Remediation
from perfpilot.evidence.models import Instance
from perfpilot.skills.cost_optimization.instance_evidence import instance_ref
from perfpilot.skills.cost_optimization.pricing import (
    RESERVED_DISCOUNT,
    SPOT_DISCOUNT,
    SPOT_ROLES,
    STEADY_AVG_TO_P95,
)
from perfpilot.skills.cost_optimization.scoring import (
    SAVINGS_IMPACT_FORMULA,
    cost_finding,
    monthly_usd,
    share,
    usd_month_estimate,
)


def is_spot_candidate(instance: Instance) -> bool:
    """On-demand, at least two of them, in a role that tolerates interruption."""
    role = f"{instance.role} {instance.name}".lower()
    return (
        instance.pricing == "on_demand" and instance.count >= 2 and any(word in role for word in SPOT_ROLES)
    )


def is_steady(instance: Instance) -> bool:
    """On-demand with average CPU close to its p95: busy all month, so a commitment is used."""
    avg, p95 = instance.cpu_util_avg, instance.cpu_util_p95
    return (
        instance.pricing == "on_demand"
        and avg is not None
        and p95 is not None
        and p95 > 0
        and (avg / p95 >= STEADY_AVG_TO_P95)
    )


def commitment_finding(
    instance: Instance, hourly_usd: float, instance_type: str, source: str, fleet_cost: float
) -> Finding | None:
    """Spot for interruptible roles, else reserved for steady ones; priced after any rightsizing."""
    if is_spot_candidate(instance):
        kind, discount, label = "spot_candidate", SPOT_DISCOUNT, "spot"
        why = f"role '{instance.role or instance.name}' is interruptible and runs {instance.count} copies"
        constant = "SPOT_DISCOUNT 0.60 (AWS Spot Instance Advisor low end)"
        rollback = f"Switch {instance.name}'s capacity type back to on-demand."
    elif is_steady(instance):
        kind, discount, label = "reserved_candidate", RESERVED_DISCOUNT, "a 1-year reservation"
        ratio = (instance.cpu_util_avg or 0) / (instance.cpu_util_p95 or 1)
        why = f"average CPU is {ratio:.0%} of p95: steady load all month"
        constant = "RESERVED_DISCOUNT 0.375 (AWS m5.large 1-yr no-upfront vs on-demand)"
        rollback = "Reservations cannot be cancelled; sell it on the RI marketplace or let it expire."
    else:
        return None
    current = monthly_usd(hourly_usd, instance.count)
    expected = monthly_usd(hourly_usd * (1 - discount), instance.count)
    impact = share(current - expected, fleet_cost)
    return cost_finding(
        kind=kind,
        subject=instance.name,
        title=f"Buy {instance.name} as {label}",
        root_cause=f"{instance.name} is billed on-demand although {why}.",
        impact=impact,
        estimate=usd_month_estimate(
            current,
            expected,
            f"{instance_type} at ${hourly_usd:.4f}/h * 730 * count {instance.count} * (1 - discount); "
            f"{constant}; priced after any rightsizing so savings do not overlap; {SAVINGS_IMPACT_FORMULA}",
        ),
        remediation=Remediation(
            kind="infra",
            title=f"Move {instance.name} ({instance_type} x{instance.count}) to {label}",
            content=(
                f"Purchase {label} capacity for {instance.count} x {instance_type}"
                if kind == "reserved_candidate"
                else f"Run {instance.name} in a spot-capacity group ({instance.count} x {instance_type}, "
                "diversified over sibling sizes) with graceful shutdown on the 2-minute notice"
            ),
            rollback=rollback,
            effort_days=0.5 if kind == "reserved_candidate" else 1.0,
            risk="low" if kind == "reserved_candidate" else "medium",
        ),
        evidence=[instance_ref(instance, source)],
        monthly_cost_change_usd=expected - current,
    )
