"""Shared arithmetic and shape of the cost findings: monthly money, impact share, the one Finding builder."""

from __future__ import annotations

from perfpilot.artifacts import EvidenceRef, Finding, FixComplexity, ImpactEstimate, Remediation, stable_id
from perfpilot.artifacts.priority import priority_from_impact
from perfpilot.skills.cost_optimization.pricing import (
    HIGH_PRIORITY_IMPACT,
    HOURS_PER_MONTH,
    MEDIUM_PRIORITY_IMPACT,
)

SKILL_NAME = "cost-optimization-analyzer"

SAVINGS_IMPACT_FORMULA = (
    "impact = monthly savings / total monthly cost of the analysed fleet (the share of spend recovered)"
)
CONSTRAINED_IMPACT_FORMULA = (
    "impact = min(1, (p95 - target) / (1 - target)): how far p95 utilisation sits past the sizing target "
    "toward saturation"
)


def monthly_usd(hourly_usd: float, count: int = 1) -> float:
    """Hourly price times 730 billing hours times instance count, rounded to cents."""
    return round(hourly_usd * HOURS_PER_MONTH * count, 2)


def share(part: float, whole: float) -> float:
    """part / whole clamped to [0, 1] (0 for an empty whole), rounded to 4 places."""
    if whole <= 0:
        return 0.0
    return round(max(0.0, min(1.0, part / whole)), 4)


def usd_month_estimate(current: float, expected: float, method: str) -> ImpactEstimate:
    """Monthly spend before and after the fix."""
    return ImpactEstimate(
        metric="usd_month", current=current, expected=expected, unit="USD/month", method=method
    )


def cost_finding(
    *,
    kind: str,
    subject: str,
    title: str,
    root_cause: str,
    impact: float,
    estimate: ImpactEstimate,
    remediation: Remediation,
    evidence: list[EvidenceRef],
    complexity: FixComplexity = "quick_fix",
    monthly_cost_change_usd: float | None = None,
) -> Finding:
    """A finding of this skill: id from kind and subject, infrastructure layer, priority from impact
    (high from 0.10, medium from 0.03)."""
    return Finding(
        id=stable_id("cost", kind, subject),
        skill=SKILL_NAME,
        kind=kind,
        layer="infrastructure",
        subject=subject,
        title=title,
        root_cause=root_cause,
        impact=impact,
        estimate=estimate,
        priority=priority_from_impact(impact, high=HIGH_PRIORITY_IMPACT, medium=MEDIUM_PRIORITY_IMPACT),
        complexity=complexity,
        remediation=remediation,
        evidence=evidence,
        monthly_cost_change_usd=(
            None if monthly_cost_change_usd is None else round(monthly_cost_change_usd, 2)
        ),
    )
