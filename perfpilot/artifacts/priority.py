"""Priority from impact: one rule for every skill, with the thresholds each skill's impact scale needs."""

from __future__ import annotations

from perfpilot.artifacts.common import Priority

HIGH_IMPACT = 0.20
MEDIUM_IMPACT = 0.05


def priority_from_impact(
    impact: float, *, high: float = HIGH_IMPACT, medium: float = MEDIUM_IMPACT
) -> Priority:
    """High from `high`, medium from `medium`, else low (impact is a share in [0, 1])."""
    if impact >= high:
        return "high"
    if impact >= medium:
        return "medium"
    return "low"
