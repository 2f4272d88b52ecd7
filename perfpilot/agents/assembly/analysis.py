"""Analysis artifact: merge the skills' findings, rank them, and classify the fix (quick/complex/arch)."""

from __future__ import annotations

from collections.abc import Iterable

from perfpilot.agents.session import StepSession
from perfpilot.artifacts import Finding, RootCauseReport
from perfpilot.artifacts.findings import AnalysisOutcome

PRIORITY_ORDER = {"high": 0, "medium": 1, "low": 2}


def rank_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Unique findings (first occurrence of an id wins), highest priority and impact first."""
    unique: dict[str, Finding] = {}
    for finding in findings:
        unique.setdefault(finding.id, finding)
    return sorted(unique.values(), key=lambda f: (PRIORITY_ORDER[f.priority], -f.impact, f.id))


def classify_outcome(findings: list[Finding]) -> AnalysisOutcome:
    """The seed's decision after analysis, over the findings that matter (high priority, or all if none).

    An architecture limitation among them escalates. Otherwise it is a quick fix when quick fixes
    explain at least as much impact as the complex ones, else a complex optimization."""
    if not findings:
        return "quick_fix"
    decisive = [f for f in findings if f.priority == "high"] or findings
    if any(f.complexity == "architecture_limitation" for f in decisive):
        return "architecture_limitation"
    quick = sum(f.impact for f in decisive if f.complexity == "quick_fix")
    complex_ = sum(f.impact for f in decisive if f.complexity == "complex")
    return "quick_fix" if quick >= complex_ else "complex"


def assemble_analysis(session: StepSession) -> RootCauseReport:
    findings = rank_findings(f for output in session.outputs() for f in output.findings)
    outcome = classify_outcome(findings)
    skills = sorted({r.call.skill for r in session.results if r.output is not None})
    top = ", ".join(f"{f.title} ({f.impact:.0%})" for f in findings[:3]) or "no root cause found"
    return RootCauseReport(
        findings=findings,
        outcome=outcome,
        summary=f"{len(findings)} finding(s); top: {top}.",
        skills_run=skills,
    )
