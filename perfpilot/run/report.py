"""Turn the workflow's final (or partial) state into the RunReport every writer renders."""

from __future__ import annotations

from typing import Any

from perfpilot.artifacts.findings import unique_findings
from perfpilot.artifacts.report import FindingSummary, RunReport
from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.graphs.state import WorkflowState


def build_report(state: WorkflowState | dict[str, Any], evidence: EvidenceBundle, run_id: str) -> RunReport:
    """A RunReport from whatever the graph state holds (complete or not)."""
    typed: WorkflowState = state  # type: ignore[assignment]
    root_cause = typed.get("root_cause")
    plan = typed.get("plan")
    inventory = typed.get("inventory")
    every = [
        *(root_cause.findings if root_cause else []),
        *(plan.findings if plan else []),
        *(inventory.findings if inventory else []),
    ]
    findings = [FindingSummary.of(f) for f in unique_findings(every)]
    return RunReport(
        run_id=run_id,
        target=evidence.target.name,
        status=typed.get("status") or "error",
        tier=typed.get("tier"),
        decision_path=list(typed.get("decision_path", [])),
        decisions=list(typed.get("decisions", [])),
        steps=list(typed.get("steps", [])),
        findings=findings,
        inventory=inventory,
        root_cause=root_cause,
        plan=plan,
        validation=typed.get("validation"),
        applied=list(typed.get("applied", [])),
        evidence_read=list(evidence.read),
        skipped_evidence=list(evidence.skipped),
        escalation=typed.get("escalation"),
    )
