"""The one Finding builder of this skill: id from kind and subject, priority from impact."""

from __future__ import annotations

from perfpilot.artifacts import EvidenceRef, Finding, FixComplexity, ImpactEstimate, Remediation, stable_id
from perfpilot.artifacts.common import Layer
from perfpilot.artifacts.priority import priority_from_impact

SKILL_NAME = "resource-saturation-analyzer"


def saturation_finding(
    *,
    kind: str,
    layer: Layer,
    subject: str,
    title: str,
    root_cause: str,
    impact: float,
    estimate: ImpactEstimate,
    remediation: Remediation,
    evidence: list[EvidenceRef],
    complexity: FixComplexity,
    monthly_cost_change_usd: float | None = None,
) -> Finding:
    return Finding(
        id=stable_id("sat", kind, subject),
        skill=SKILL_NAME,
        kind=kind,
        layer=layer,
        subject=subject,
        title=title,
        root_cause=root_cause,
        impact=round(max(0.0, min(1.0, impact)), 4),
        estimate=estimate,
        priority=priority_from_impact(impact),
        complexity=complexity,
        remediation=remediation,
        evidence=evidence,
        monthly_cost_change_usd=monthly_cost_change_usd,
    )
