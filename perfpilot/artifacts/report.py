"""The run report: status, tier, decision path, per-step token accounting, and every artifact."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from perfpilot.artifacts.bottlenecks import BottleneckInventory
from perfpilot.artifacts.common import Artifact
from perfpilot.artifacts.findings import Finding, RootCauseReport, unique_findings
from perfpilot.artifacts.plan import ImplementationPlan
from perfpilot.artifacts.validation import ValidationReport

RunStatus = Literal[
    "targets_met",
    "acceptable",
    "projected",
    "inconclusive",
    "incomplete",
    "not_met",
    "escalated",
    "error",
    "interrupted",
]
Tier = Literal["T0", "T1", "T2", "T3", "T4"]
StepStatus = Literal["ok", "budget_exhausted", "error"]

# What each status means is in README.md ("Reading the report"); only a measured verdict exits 0.
EXIT_CODES: dict[RunStatus, int] = {
    "targets_met": 0,  # measured after-state (or, at T0, a measured healthy baseline) meets every target
    "acceptable": 0,  # measured after-state meets at least 80% of the judged targets
    "not_met": 1,  # measured after-state misses targets: architecture redesign
    "error": 2,  # bad input or a failure
    "escalated": 3,  # a person must decide
    "projected": 4,  # the after-state is a projection, not a measurement
    "inconclusive": 5,  # the evidence cannot decide (the report names what would)
    "incomplete": 6,  # a step ran out of its token budget
    "interrupted": 130,
}


class StepRecord(Artifact):
    """How one step ran: tokens against its budget, model calls, skills, and what was cut."""

    name: str
    status: StepStatus = "ok"
    planner: str = "offline"
    token_budget: int
    tokens_used: int
    tokens_in: int = 0
    tokens_out: int = 0
    model_calls: int = 0
    skills_called: list[str] = Field(default_factory=list)
    dropped_context: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


class FindingSummary(Artifact):
    """The stable, flat view of a finding in report.json."""

    id: str
    skill: str
    kind: str
    layer: str
    subject: str
    title: str
    impact: float
    priority: str

    @classmethod
    def of(cls, finding: Finding) -> FindingSummary:
        """The summary of one finding (impact rounded to 4 places)."""
        return cls(
            id=finding.id,
            skill=finding.skill,
            kind=finding.kind,
            layer=finding.layer,
            subject=finding.subject,
            title=finding.title,
            impact=round(finding.impact, 4),
            priority=finding.priority,
        )


class EvidenceRead(Artifact):
    """One evidence source the target names and what it yielded (0 items: unreadable or empty)."""

    source: str
    items: int = 0
    read: bool = True


class SkippedEvidence(Artifact):
    """An evidence source the run had to leave out."""

    source: str
    line: int | None = None
    reason: str


class RunReport(Artifact):
    """Everything a run produced; report.json is this model."""

    run_id: str
    target: str
    target_file: str | None = Field(
        default=None, description="The target file read (evidence paths are relative to its folder)."
    )
    status: RunStatus
    tier: Tier | None = None
    decision_path: list[str] = Field(default_factory=list)
    decisions: list[str] = Field(default_factory=list, description="Why each branch was taken.")
    steps: list[StepRecord] = Field(default_factory=list)
    findings: list[FindingSummary] = Field(default_factory=list)
    inventory: BottleneckInventory | None = None
    root_cause: RootCauseReport | None = None
    plan: ImplementationPlan | None = None
    validation: ValidationReport | None = None
    applied: list[str] = Field(default_factory=list, description="Change ids applied, and where.")
    evidence_read: list[EvidenceRead] = Field(default_factory=list)
    skipped_evidence: list[SkippedEvidence] = Field(default_factory=list)
    escalation: str | None = None
    error: str | None = None

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.status]

    def all_findings(self) -> list[Finding]:
        """Root causes from analysis, what the optimization step's skills added, then what profiling
        found beyond bottlenecks (each id once)."""
        profiled = self.inventory.findings if self.inventory else []
        analysed = self.root_cause.findings if self.root_cause else []
        return unique_findings([*analysed, *(self.plan.findings if self.plan else []), *profiled])
