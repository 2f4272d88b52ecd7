"""Step 2, analysis: root causes with quantified impact and priority, from the inventory's bottlenecks."""

from __future__ import annotations

from pydantic import BaseModel, Field

from perfpilot.agents.context import items_for
from perfpilot.agents.judgements import Judgement, known_ids
from perfpilot.agents.session import ContextItem, StepSession
from perfpilot.agents.step import PolicySettings, SkillRequest, StepAgent
from perfpilot.artifacts import BottleneckInventory, RootCauseReport
from perfpilot.artifacts.common import Priority
from perfpilot.artifacts.findings import AnalysisOutcome, rank_findings
from perfpilot.evidence.bundle import EvidenceBundle


class AnalysisJudgement(Judgement):
    priorities: dict[str, Priority] = Field(
        default_factory=dict, description="Finding id -> priority, to re-rank."
    )
    outcome: AnalysisOutcome | None = Field(
        default=None, description="Override the computed outcome, with a note why."
    )
    summary: str = Field(default="", max_length=600)


def context(evidence: EvidenceBundle, inputs: dict[str, BaseModel]) -> list[ContextItem]:
    return items_for(inputs, "inventory")


def policy(session: StepSession, settings: PolicySettings) -> list[SkillRequest]:
    """The database analyzer where there is database evidence and a database or application bottleneck
    (or a workload to read); cost where there is an inventory; edge where there are access logs; the
    dependency analyzer where traces show an external-dependency bottleneck; the saturation analyzer
    (pools, memory, CPU) where there are metrics and an application or infrastructure bottleneck or an
    SLO breach; the application profiler where there are stack profiles."""
    ev = session.evidence
    inventory = session.inputs.get("inventory")
    layers = {b.layer for b in inventory.bottlenecks} if isinstance(inventory, BottleneckInventory) else set()
    has_db_evidence = bool(ev.workloads or ev.traces or ev.target.evidence.database is not None)
    calls: list[SkillRequest] = []
    if has_db_evidence and (layers & {"database", "application"} or ev.workloads):
        calls.append(("database-optimization-analyzer", {}))
    if ev.instances or ev.kubernetes:
        calls.append(("cost-optimization-analyzer", {}))
    if ev.access_logs:
        calls.append(("edge-computing-architect", {}))
    if ev.traces and "external" in layers:  # time in calls to another service: whose, and what can be done
        calls.append(("dependency-analyzer", {}))
    breached = isinstance(inventory, BottleneckInventory) and bool(inventory.slo_breaches)
    if ev.metrics and (layers & {"application", "infrastructure"} or breached):
        calls.append(("resource-saturation-analyzer", {}))
    if ev.profiles:  # stack profiles: which functions the application time goes to, and why
        calls.append(("application-profiler", {}))
    return calls


def assemble(session: StepSession) -> RootCauseReport:
    """The skills' findings merged and ranked; the decision after analysis is the orchestrator's."""
    findings = rank_findings(f for output in session.outputs() for f in output.findings)
    skills = sorted({r.call.skill for r in session.results if r.output is not None})
    top = ", ".join(f"{f.title} ({f.impact:.0%})" for f in findings[:3]) or "no root cause found"
    return RootCauseReport(
        findings=findings, summary=f"{len(findings)} finding(s); top: {top}.", skills_run=skills
    )


def judge(artifact: RootCauseReport, j: AnalysisJudgement, notes: list[str]) -> RootCauseReport:
    """The model's priorities (known finding ids only), its outcome override and its summary."""
    chosen = known_ids(list(j.priorities), {f.id for f in artifact.findings}, notes, "finding")
    findings = [
        f.model_copy(update={"priority": j.priorities[f.id]}) if f.id in chosen else f
        for f in artifact.findings
    ]
    summary = " ".join(s for s in (j.summary, *j.notes) if s) or artifact.summary
    return artifact.model_copy(update={"findings": findings, "judged_outcome": j.outcome, "summary": summary})


ANALYSIS = StepAgent(
    name="analysis",
    prompt="analysis",
    skills=(
        "database-optimization-analyzer",
        "cost-optimization-analyzer",
        "edge-computing-architect",
        "dependency-analyzer",
        "resource-saturation-analyzer",
        "application-profiler",
    ),
    budget=4000,
    output=RootCauseReport,
    judgement=AnalysisJudgement,
    inputs=("inventory",),
    context=context,
    policy=policy,
    assemble=assemble,
    judge=judge,
    goal="Root causes with quantified impact and priority; quick fix, complex, or architecture limit.",
)
