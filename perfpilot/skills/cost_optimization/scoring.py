"""Shared arithmetic of the cost findings: monthly money, impact share and priority bands."""

from __future__ import annotations

from perfpilot.artifacts import Priority
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


def priority_for(impact: float) -> Priority:
    """High from 0.10, medium from 0.03, else low."""
    if impact >= HIGH_PRIORITY_IMPACT:
        return "high"
    if impact >= MEDIUM_PRIORITY_IMPACT:
        return "medium"
    return "low"
