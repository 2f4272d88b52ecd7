"""An issue a Dockerfile check raises, before it becomes a Finding with ids, impact and a remediation."""

from __future__ import annotations

from dataclasses import dataclass

from perfpilot.artifacts import FixComplexity, ImpactEstimate, Priority


@dataclass(frozen=True)
class Issue:
    """One problem at one line. Size issues carry `saved_mb`; others their own estimate and impact."""

    kind: str
    line: int
    excerpt: str
    title: str
    root_cause: str
    fix: str
    saved_mb: float | None = None
    size_method: str = ""
    estimate: ImpactEstimate | None = None
    impact: float = 0.0
    priority: Priority = "low"
    complexity: FixComplexity = "quick_fix"
    effort_days: float = 0.25
