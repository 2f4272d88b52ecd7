"""Optimization artifact: the plan built from the findings' remediations, in a safe order."""

from __future__ import annotations

from perfpilot.agents.assembly.analysis import rank_findings
from perfpilot.agents.session import StepSession
from perfpilot.artifacts import Change, Finding, ImplementationPlan, RootCauseReport, stable_id
from perfpilot.artifacts.plan import ChangeGroup

QUICK_WIN_DAYS = 1.0
RISK_ORDER = {"low": 0, "medium": 1, "high": 2}
GROUP_ORDER: dict[ChangeGroup, int] = {"quick_wins": 0, "database": 1, "application": 2, "infrastructure": 3}


def group_for(finding: Finding) -> ChangeGroup:
    """The seed's grouping: quick wins (<= 1 day, low risk), then database, application, infrastructure."""
    rem = finding.remediation
    assert rem is not None
    if rem.effort_days <= QUICK_WIN_DAYS and rem.risk == "low":
        return "quick_wins"
    if finding.layer == "database":
        return "database"
    if finding.layer in ("infrastructure", "container", "edge"):
        return "infrastructure"
    return "application"


def change_for(finding: Finding) -> Change:
    rem = finding.remediation
    assert rem is not None
    return Change(
        id=stable_id("chg", finding.id, rem.kind, rem.content),
        finding_id=finding.id,
        group=group_for(finding),
        kind=rem.kind,
        title=rem.title,
        content=rem.content,
        rollback=rem.rollback,
        effort_days=rem.effort_days,
        risk=rem.risk,
        auto_applicable=rem.auto_applicable,
    )


def plan_from_findings(findings: list[Finding]) -> ImplementationPlan:
    """Each high- or medium-priority remediation becomes a change (low ones are listed, not planned);
    deployment goes quick wins first, lowest risk first."""
    ranked = [f for f in rank_findings(findings) if f.remediation is not None]
    planned = [f for f in ranked if f.priority != "low"]
    unique = list({c.id: c for c in map(change_for, planned)}.values())
    order = sorted(unique, key=lambda c: (GROUP_ORDER[c.group], RISK_ORDER[c.risk], c.effort_days, c.id))
    deferred = [f"{f.title} ({f.impact:.1%})" for f in ranked if f.priority == "low"]
    notes = [f"Low priority, not planned: {'; '.join(deferred)}."] if deferred else []
    return ImplementationPlan(changes=unique, deployment_sequence=[c.id for c in order], notes=notes)


def assemble_optimization(session: StepSession) -> ImplementationPlan:
    root_cause = session.inputs.get("root_cause")
    findings = list(root_cause.findings) if isinstance(root_cause, RootCauseReport) else []
    added = [f for output in session.outputs() for f in output.findings]
    plan = plan_from_findings(findings + added)
    return plan.model_copy(update={"findings": added})
