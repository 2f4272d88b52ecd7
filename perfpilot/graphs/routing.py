"""The seed's decision points as pure functions over typed artifacts (testable with no model)."""

from __future__ import annotations

from typing import Literal

from perfpilot.artifacts import BottleneckInventory, RootCauseReport, ValidationReport

ProfilingVerdict = Literal["none", "single", "multiple"]
AnalysisVerdict = Literal["quick_fix", "complex", "architecture_limitation"]
ValidationVerdict = Literal["met", "partial", "not_met"]

ACCEPTABLE_SHARE = 0.8


def after_profiling(inventory: BottleneckInventory) -> ProfilingVerdict:
    """No significant bottleneck and no SLO breach: targets met. One: quick path (T1). More: full workflow."""
    count = len(inventory.significant())
    if count == 0:
        return "multiple" if inventory.slo_breaches else "none"
    return "single" if count == 1 else "multiple"


def after_analysis(report: RootCauseReport) -> AnalysisVerdict:
    """Quick fix (T2), complex optimization (T3), or an architecture limitation to escalate (T4)."""
    return report.outcome


def after_validation(report: ValidationReport) -> ValidationVerdict:
    """All targets met: success. At least 80% met: acceptable, monitor. Less: architecture redesign."""
    if report.targets_met_share >= 1.0:
        return "met"
    if report.targets_met_share >= ACCEPTABLE_SHARE:
        return "partial"
    return "not_met"


def tier_after_analysis(profiling: ProfilingVerdict, analysis: AnalysisVerdict) -> str:
    """T1 for a single bottleneck's quick path, T2 quick fix, T3 complex, T4 architecture limitation."""
    if analysis == "architecture_limitation":
        return "T4"
    if profiling == "single":
        return "T1"
    return "T2" if analysis == "quick_fix" else "T3"
