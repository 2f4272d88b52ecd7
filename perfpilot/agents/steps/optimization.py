"""Step 3, optimization: the implementation plan (changes, deployment order, rollbacks) from root causes."""

from __future__ import annotations

from pydantic import BaseModel, Field

from perfpilot.agents.context import items_for
from perfpilot.agents.judgements import Judgement, known_ids
from perfpilot.agents.session import ContextItem, StepSession
from perfpilot.agents.step import PolicySettings, SkillRequest, StepAgent
from perfpilot.artifacts import Change, Finding, ImplementationPlan, RootCauseReport, stable_id
from perfpilot.artifacts.findings import rank_findings
from perfpilot.artifacts.plan import ChangeGroup
from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.skills.cost_optimization.pricing import CONSTRAINED_P95
from perfpilot.skills.validation.projection import capacity_reliefs, remeasure_first

QUICK_WIN_DAYS = 1.0
RISK_ORDER = {"low": 0, "medium": 1, "high": 2}
GROUP_ORDER: dict[ChangeGroup, int] = {"quick_wins": 0, "database": 1, "application": 2, "infrastructure": 3}


class OptimizationJudgement(Judgement):
    order: list[str] = Field(
        default_factory=list, description="Change ids in the deployment order you advise."
    )
    exclude: list[str] = Field(default_factory=list, description="Change ids to leave out of the plan.")


def context(evidence: EvidenceBundle, inputs: dict[str, BaseModel]) -> list[ContextItem]:
    return items_for(inputs, "root_cause")


def policy(session: StepSession, settings: PolicySettings) -> list[SkillRequest]:
    """Container images are optimised when Dockerfiles are given; the other changes come from analysis."""
    return [("container-image-optimizer", {})] if session.evidence.dockerfiles else []


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
        toggle=rem.toggle,
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


def remeasure_notes(plan: ImplementationPlan, findings: list[Finding], evidence: EvidenceBundle) -> list[str]:
    """A CPU capacity change the plan's other changes are projected to make unnecessary: deploy those
    first and re-measure (the projection's model, skills/validation/projection.py)."""
    by_finding = {c.finding_id: c for c in plan.changes}
    planned = [f for f in findings if f.id in by_finding]
    notes = []
    for r in capacity_reliefs(planned, evidence):
        if remeasure_first(r):  # reliefs come from planned findings only
            title, after = by_finding[r.finding_id].title, r.rho_before * r.work_left
            notes.append(
                f"Re-measure before '{title}': the other planned {r.layer} changes are projected to take CPU "
                f"p95 from {r.rho_before:.0%} to {after:.0%}, under the {CONSTRAINED_P95:.0%} that made it "
                "constrained; deploy them first."
            )
    return notes


def assemble(session: StepSession) -> ImplementationPlan:
    """The plan over the analysis findings and any this step's skills add (kept in the plan)."""
    root_cause = session.inputs.get("root_cause")
    findings = list(root_cause.findings) if isinstance(root_cause, RootCauseReport) else []
    added = [f for output in session.outputs() for f in output.findings]
    plan = plan_from_findings(findings + added)
    notes = [*plan.notes, *remeasure_notes(plan, findings + added, session.evidence)]
    return plan.model_copy(update={"findings": added, "notes": notes})


def judge(artifact: ImplementationPlan, j: OptimizationJudgement, notes: list[str]) -> ImplementationPlan:
    """The model's exclusions and deployment order (known change ids only) and notes."""
    known = {c.id for c in artifact.changes}
    excluded = set(known_ids(j.exclude, known, notes, "change"))
    changes = [c for c in artifact.changes if c.id not in excluded]
    ordered = known_ids(j.order, known - excluded, notes, "change")
    sequence = ordered + [c for c in artifact.deployment_sequence if c not in ordered and c not in excluded]
    return artifact.model_copy(
        update={"changes": changes, "deployment_sequence": sequence, "notes": [*artifact.notes, *j.notes]}
    )


OPTIMIZATION = StepAgent(
    name="optimization",
    prompt="optimization",
    skills=("container-image-optimizer", "database-optimization-analyzer"),
    budget=4000,
    output=ImplementationPlan,
    judgement=OptimizationJudgement,
    inputs=("root_cause",),
    context=context,
    policy=policy,
    assemble=assemble,
    judge=judge,
    goal="Implementation plan: changes, deployment sequence, rollback for each change.",
)
