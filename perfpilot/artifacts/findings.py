"""Root-cause findings: what is wrong, why, how much fixing it is worth, with the evidence."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from pydantic import Field

from perfpilot.artifacts.common import Artifact, EvidenceRef, Layer, Priority

FixComplexity = Literal["quick_fix", "complex", "architecture_limitation"]
AnalysisOutcome = Literal["quick_fix", "complex", "architecture_limitation", "no_root_cause"]
PRIORITY_ORDER: dict[Priority, int] = {"high": 0, "medium": 1, "low": 2}


class ImpactEstimate(Artifact):
    """A quantified expected effect of fixing a finding."""

    metric: str = Field(description="What improves, e.g. 'workload_time_s', 'p95_ms:/search', 'usd_month'.")
    current: float
    expected: float
    unit: str = ""
    method: str = Field(default="", description="How the estimate was computed.")

    @property
    def reduction(self) -> float:
        """Relative reduction in [0, 1] (0 when current is 0)."""
        if self.current <= 0:
            return 0.0
        return max(0.0, min(1.0, (self.current - self.expected) / self.current))


class Remediation(Artifact):
    """The concrete change a finding calls for; the optimization step turns it into a plan entry."""

    kind: Literal["ddl", "config", "patch", "infra"]
    title: str
    content: str
    rollback: str
    effort_days: float = Field(ge=0)
    risk: Literal["low", "medium", "high"] = "low"
    auto_applicable: bool = Field(
        default=False, description="Safe for perfpilot to apply to a sandbox (DDL, config)."
    )
    toggle: str | None = Field(
        default=None, description="config: the service toggle (target.yaml service.toggles) to turn on."
    )


class Finding(Artifact):
    """One root cause found by a skill's deterministic code over evidence."""

    id: str
    skill: str
    kind: str = Field(description="Machine-readable finding type, e.g. 'missing_index', 'n_plus_one'.")
    layer: Layer
    subject: str = Field(description="What the finding is about, e.g. 'orders(customer_id)'.")
    title: str
    root_cause: str
    impact: float = Field(ge=0, le=1, description="Share of the bottleneck this finding explains.")
    estimate: ImpactEstimate | None = None
    priority: Priority = "medium"
    complexity: FixComplexity = "quick_fix"
    remediation: Remediation | None = None
    evidence: list[EvidenceRef] = Field(default_factory=list)
    monthly_cost_change_usd: float | None = Field(
        default=None,
        description="How the monthly bill moves when the remediation is applied: negative saves, positive "
        "costs more (a scale-up or scale-out); None when the fix does not change what is billed.",
    )


def unique_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Each id once (its first occurrence), in order: the one de-duplication rule."""
    seen: dict[str, Finding] = {}
    for finding in findings:
        seen.setdefault(finding.id, finding)
    return list(seen.values())


def net_monthly_cost_change(findings: Iterable[Finding]) -> float | None:
    """Every priced cost change in one sum (savings negative, increases positive); None if none is priced."""
    changes = [f.monthly_cost_change_usd for f in findings if f.monthly_cost_change_usd is not None]
    return round(sum(changes), 2) if changes else None


def rank_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Unique findings (first occurrence of an id wins), highest priority and impact first."""
    return sorted(unique_findings(findings), key=lambda f: (PRIORITY_ORDER[f.priority], -f.impact, f.id))


class RootCauseReport(Artifact):
    """The analysis step's artifact."""

    findings: list[Finding] = Field(default_factory=list)
    outcome: AnalysisOutcome | None = Field(
        default=None, description="The decision after analysis, set by the orchestrator's routing."
    )
    judged_outcome: AnalysisOutcome | None = Field(
        default=None, description="A model planner's override of the computed decision (its note says why)."
    )
    summary: str = ""
    skills_run: list[str] = Field(default_factory=list)
    budget_exhausted: bool = False
