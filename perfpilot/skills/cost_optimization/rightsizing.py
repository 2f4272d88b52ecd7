"""Rightsizing and idle findings for inventory instances."""

from __future__ import annotations

import math
from dataclasses import dataclass

from perfpilot.artifacts import Finding, Remediation
from perfpilot.evidence.models import Instance
from perfpilot.skills.cost_optimization.instance_evidence import instance_ref
from perfpilot.skills.cost_optimization.priced import HALVING_NOTE, Pricing
from perfpilot.skills.cost_optimization.pricing import IDLE_CPU_P95, MIN_AVAILABLE_COUNT, PEAK_CEILING
from perfpilot.skills.cost_optimization.scoring import (
    SAVINGS_IMPACT_FORMULA,
    cost_finding,
    monthly_usd,
    share,
    usd_month_estimate,
)
from perfpilot.skills.cost_optimization.sizes import smaller_size


@dataclass(frozen=True)
class Resize:
    """A smaller size the observed p95 and measured peak fit in, `steps` halvings down the family ladder."""

    instance_type: str
    steps: int
    hourly_usd: float
    cpu_p95_after: float
    mem_p95_after: float
    peak_after: float | None = None
    """The higher of peak CPU and peak memory at the new size; None when the inventory has no peak."""
    count: int = 1
    """Instances after the change: fewer only once the family's smallest size is reached."""
    price_note: str = HALVING_NOTE
    """How the new size was priced."""


def _fits(p95: float, peak: float | None, factor: int, target_util: float) -> bool:
    return p95 * factor <= target_util and (peak is None or peak * factor <= PEAK_CEILING)


def _fewer(instance: Instance, factor: int, target_util: float) -> int:
    """How many instances of the smallest size carry the load at the target (p95) and under the peak
    ceiling (max), spread evenly; never fewer than MIN_AVAILABLE_COUNT of a group that had them."""
    count = instance.count
    floor = min(count, MIN_AVAILABLE_COUNT)
    p95 = max(instance.cpu_util_p95 or 0.0, instance.mem_util_p95 or 0.0) * factor
    peaks = [p for p in (instance.cpu_util_max, instance.mem_util_max) if p is not None]
    needed = math.ceil(count * p95 / target_util) if p95 > 0 else 1
    if peaks:
        needed = max(needed, math.ceil(count * max(peaks) * factor / PEAK_CEILING))
    return max(floor, min(count, needed))


def plan_resize(instance: Instance, target_util: float, pricing: Pricing | None = None) -> Resize | None:
    """Halve the size while p95 CPU and memory, doubled, stay at or under the target, and the measured
    peaks (max), doubled, stay at or under PEAK_CEILING; at the family's smallest size, run fewer
    instances while the same bounds hold (the load spread evenly over them)."""
    cpu, mem = instance.cpu_util_p95, instance.mem_util_p95
    if cpu is None or mem is None:
        return None
    current, steps = instance.instance_type, 0
    while True:
        smaller = smaller_size(current)
        factor = 2 ** (steps + 1)
        if (
            smaller is None
            or not _fits(cpu, instance.cpu_util_max, factor, target_util)
            or not _fits(mem, instance.mem_util_max, factor, target_util)
        ):
            break
        current, steps = smaller, steps + 1
    factor = 2**steps
    count = _fewer(instance, factor, target_util) if smaller_size(current) is None else instance.count
    if steps == 0 and count == instance.count:
        return None
    spread = instance.count / count
    peaks = [p for p in (instance.cpu_util_max, instance.mem_util_max) if p is not None]
    peak_after = max(peaks) * factor * spread if peaks else None
    hourly, price_note = (pricing or Pricing()).resized_hourly(instance, current, factor)
    if steps == 0:
        hourly, price_note = instance.hourly_usd, "same size, fewer instances"
    return Resize(
        current,
        steps,
        hourly,
        cpu * factor * spread,
        mem * factor * spread,
        peak_after,
        count,
        price_note,
    )


def is_idle(instance: Instance) -> bool:
    """p95 CPU under the idle bound, and the measured peak CPU too when the inventory has it."""
    p95, peak = instance.cpu_util_p95, instance.cpu_util_max
    return p95 is not None and p95 < IDLE_CPU_P95 and (peak is None or peak < IDLE_CPU_P95)


def idle_finding(instance: Instance, source: str, fleet_cost: float) -> Finding:
    """Instances that do no work: their whole cost is recoverable."""
    cost = monthly_usd(instance.hourly_usd, instance.count)
    impact = share(cost, fleet_cost)
    peak = "" if instance.cpu_util_max is None else f" (peak {instance.cpu_util_max:.1%})"
    return cost_finding(
        kind="idle_instance",
        subject=instance.name,
        title=f"{instance.name} is idle (p95 CPU {instance.cpu_util_p95:.1%})",
        root_cause=(
            f"{instance.count} x {instance.instance_type} keep running with p95 CPU under "
            f"{IDLE_CPU_P95:.0%}{peak}; they cost ${cost:,.2f}/month for no measurable work."
        ),
        impact=impact,
        estimate=usd_month_estimate(
            cost,
            0.0,
            f"hourly_usd {instance.hourly_usd} * 730 h * count {instance.count}; {SAVINGS_IMPACT_FORMULA}",
        ),
        remediation=Remediation(
            kind="infra",
            title=f"Stop {instance.name} (or fold its role into another instance)",
            content=(
                f"Confirm nothing depends on {instance.name} (connections, cron, DNS), snapshot its volumes, "
                f"then stop the {instance.count} x {instance.instance_type} instance(s)."
            ),
            rollback=(
                f"Start the stopped {instance.name} instance(s) again from their snapshots or launch "
                "template."
            ),
            effort_days=0.5,
            risk="medium",
        ),
        evidence=[instance_ref(instance, source)],
        monthly_cost_change_usd=-cost,
    )


def rightsizing_finding(instance: Instance, resize: Resize, source: str, fleet_cost: float) -> Finding:
    """A smaller size of the same family that keeps p95 under the target and the peak under the ceiling."""
    current = monthly_usd(instance.hourly_usd, instance.count)
    expected = monthly_usd(resize.hourly_usd, resize.count)
    impact = share(current - expected, fleet_cost)
    fewer = (
        f"; {resize.count} instead of {instance.count} instances (the smallest size of the family, the "
        "load spread evenly)"
        if resize.count != instance.count
        else ""
    )
    target = f"{resize.count} x {resize.instance_type}"
    peak = (
        "the peak (max) was not measured, so check it before resizing"
        if resize.peak_after is None
        else f"the measured peak would be {resize.peak_after:.0%} (<= {PEAK_CEILING:.0%})"
    )
    return cost_finding(
        kind="rightsize_instance",
        subject=instance.name,
        title=(
            f"Rightsize {instance.name}: {instance.count} x {instance.instance_type} -> {target}"
        ),
        root_cause=(
            f"p95 CPU {instance.cpu_util_p95:.2%} and p95 memory {instance.mem_util_p95:.2%} of "
            f"{instance.instance_type}; at {resize.instance_type} ({resize.steps} halving(s){fewer}) they "
            "would be "
            f"{resize.cpu_p95_after:.1%} and {resize.mem_p95_after:.1%}, within the sizing target; {peak}."
        ),
        impact=impact,
        estimate=usd_month_estimate(
            current,
            expected,
            f"savings = hourly {instance.hourly_usd} * 730 * count {instance.count} - hourly "
            f"{resize.hourly_usd:.4f} * 730 * count {resize.count}; {resize.price_note}; "
            f"{SAVINGS_IMPACT_FORMULA}",
        ),
        remediation=Remediation(
            kind="infra",
            title=f"Change {instance.name} to {target}",
            content=(
                f'Set instance_type = "{resize.instance_type}" for {instance.name} (was '
                f"{instance.instance_type})"
                + (f" and count = {resize.count} (was {instance.count})" if fewer else "")
                + "; roll one instance at a time and watch p95 CPU and memory."
            ),
            rollback=(
                f'Set instance_type back to "{instance.instance_type}"'
                + (f" and count back to {instance.count}" if fewer else "")
                + " and roll the instances again."
            ),
            effort_days=0.5,
            risk="low",
        ),
        evidence=[instance_ref(instance, source)],
        monthly_cost_change_usd=expected - current,
    )
