"""The seed's decision points as pure functions over typed artifacts (testable with no model).

Every verdict says only what was measured: a healthy verdict needs a measured baseline and every source
read; a success needs a measured after-state; what could not be judged is unknown, never met."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

from perfpilot.artifacts import BottleneckInventory, Finding, RootCauseReport, ValidationReport
from perfpilot.artifacts.findings import AnalysisOutcome
from perfpilot.artifacts.report import EvidenceRead, RunStatus, StepRecord, Tier
from perfpilot.target.spec import Slos

ProfilingVerdict = Literal["none", "single", "multiple", "inconclusive"]
AnalysisVerdict = AnalysisOutcome
ValidationVerdict = Literal["met", "partial", "not_met", "projected", "unknown"]
K = TypeVar("K", bound=str)

ACCEPTABLE_SHARE = 0.8
MIN_PERCENTILE_SAMPLES = 100  # below this a p95 is little more than the slowest of a handful of requests


@dataclass(frozen=True)
class Verdict(Generic[K]):
    """A decision and the reason a person reads for it."""

    kind: K
    reason: str


def unjudged_targets(inventory: BottleneckInventory, slos: Slos) -> list[str]:
    """SLOs the baseline has no measured figure for (they cannot be called met)."""
    overall = inventory.baseline.overall
    measured = {
        "p95_ms": overall.latency.p95_ms,
        "p99_ms": overall.latency.p99_ms,
        "error_rate": overall.error_rate,
        "throughput_rps": overall.rps,
    }
    why = "no measured {name}"
    if 0 < overall.requests < MIN_PERCENTILE_SAMPLES:  # a handful of requests measures nothing
        measured = dict.fromkeys(measured)
        why = f"only {overall.requests} requests measured, fewer than {MIN_PERCENTILE_SAMPLES}"
    unknown = [
        f"{name} ({why.format(name=name)})"
        for name, value in measured.items()
        if getattr(slos, name) is not None and value is None
    ]
    for endpoint, slo in slos.endpoints.items():
        stats = inventory.baseline.endpoint(endpoint)
        if slo.p95_ms is not None and (stats is None or stats.latency.p95_ms is None):
            unknown.append(f"p95_ms of {endpoint} (no measured latency)")
    return unknown


def unread_sources(sources: Iterable[EvidenceRead]) -> list[str]:
    """Sources that could not be read, or yielded nothing."""
    return [
        f"{s.source} ({'could not be read' if not s.read else 'yielded nothing'})"
        for s in sources
        if not s.read or s.items == 0
    ]


def waste_findings(inventory: BottleneckInventory) -> list[Finding]:
    """Waste found while profiling: a medium or high priority finding (e.g. resources far above their
    use). It is a bottleneck of its layer (an over-provisioned fleet: infrastructure) even when latency
    is fine."""
    return [f for f in inventory.findings if f.priority != "low"]


def bottleneck_layers(inventory: BottleneckInventory) -> list[str]:
    """The layers of the significant bottlenecks and of the waste found while profiling."""
    layers = {b.layer for b in inventory.significant()} | {f.layer for f in waste_findings(inventory)}
    return sorted(layers)


def after_profiling(
    inventory: BottleneckInventory, slos: Slos, sources: Iterable[EvidenceRead]
) -> Verdict[ProfilingVerdict]:
    """One significant bottleneck: quick path (T1). More, or SLO breaches: full workflow. None: healthy
    (T0) only when every target was measured and every source read; otherwise inconclusive. Waste found
    while profiling (a medium or high priority finding, e.g. resources far above their use) is a
    bottleneck too: there is something to change even when latency is fine."""
    waste = waste_findings(inventory)
    count = len(inventory.significant()) + (1 if waste else 0)
    if count == 1:
        return Verdict("single", "one significant bottleneck: quick optimization path (T1)")
    if count > 1 or inventory.slo_breaches:
        return Verdict(
            "multiple", "several bottlenecks (or SLO breaches with no single cause): full workflow"
        )
    gaps = unjudged_targets(inventory, slos) + unread_sources(sources)
    if not _measured(inventory):
        gaps.insert(0, "no baseline was measured (no requests, latency or resource figures)")
    if gaps:
        return Verdict(
            "inconclusive",
            f"no significant bottleneck found, but the evidence cannot decide: {'; '.join(gaps)}",
        )
    return Verdict(
        "none",
        "no significant bottleneck, every target measured and met, every source read: nothing to change",
    )


def _measured(inventory: BottleneckInventory) -> bool:
    baseline = inventory.baseline
    overall = baseline.overall
    return bool(
        overall.requests
        or overall.latency.p95_ms is not None
        or any(e.latency.p95_ms is not None for e in baseline.endpoints)
        or baseline.resources.cpu is not None
        or baseline.resources.memory is not None
    )


def classify_findings(findings: list[Finding]) -> AnalysisOutcome:
    """The outcome over the findings that matter (high priority, or all if none): an architecture
    limitation among them escalates; otherwise a quick fix when quick fixes explain at least as much
    impact as the complex ones, else complex. No findings: no root cause (never a 'quick fix')."""
    if not findings:
        return "no_root_cause"
    decisive = [f for f in findings if f.priority == "high"] or findings
    if any(f.complexity == "architecture_limitation" for f in decisive):
        return "architecture_limitation"
    quick = sum(f.impact for f in decisive if f.complexity == "quick_fix")
    complex_ = sum(f.impact for f in decisive if f.complexity == "complex")
    return "quick_fix" if quick >= complex_ else "complex"


ANALYSIS_REASONS: dict[AnalysisOutcome, str] = {
    "quick_fix": "a quick fix is available: implement and validate",
    "complex": "complex optimization: full implementation",
    "architecture_limitation": "architecture limitation: escalate to a human (T4)",
    "no_root_cause": "no root cause found for the bottlenecks: the evidence cannot explain them",
}


def after_analysis(
    report: RootCauseReport, inventory: BottleneckInventory | None = None
) -> Verdict[AnalysisVerdict]:
    """Quick fix (T2), complex optimization (T3), an architecture limitation to escalate (T4), or no root
    cause (inconclusive, naming what would decide it). A model's judged outcome stands when findings exist."""
    computed = classify_findings(report.findings)
    kind = report.judged_outcome if report.judged_outcome and computed != "no_root_cause" else computed
    reason = ANALYSIS_REASONS[kind]
    if kind == "no_root_cause" and inventory is not None:
        layers = ", ".join(sorted({b.layer for b in inventory.significant()})) or "none significant"
        reason += f" (bottleneck layers: {layers}; evidence of those layers would decide it)"
    return Verdict(kind, reason)


def tier_after_analysis(profiling: ProfilingVerdict, analysis: AnalysisVerdict) -> Tier | None:
    """T1 for a single bottleneck's quick path, T2 quick fix, T3 complex, T4 architecture limitation."""
    if analysis == "architecture_limitation":
        return "T4"
    if analysis == "no_root_cause":
        return None
    if profiling == "single":
        return "T1"
    return "T2" if analysis == "quick_fix" else "T3"


def targets_met_share(report: ValidationReport) -> tuple[float, int, int]:
    """(share met, targets, undecided). A target is met or missed only beyond the noise (the validator's
    verdict); one with no after figure, too few samples or a change within the noise is undecided."""
    tally = report.tally()
    return (tally.met / tally.total if tally.total else 0.0), tally.total, tally.undecided


def _undecided_names(report: ValidationReport) -> str:
    rows = [c for c in report.comparisons if c.target is not None and c.met is None]
    named = [f"{c.metric} ({c.verdict or 'no after figure'})" for c in rows[:4]]
    return ", ".join(named) + (f" and {len(rows) - 4} more" if len(rows) > 4 else "")


def after_validation(report: ValidationReport) -> Verdict[ValidationVerdict]:
    """Measured: every target met beyond the noise (success); at least 80% met (acceptable); so many
    missed beyond the noise that 80% is out of reach (redesign). Undecided targets (noise, too few
    samples, no figure) count neither way: when they leave the verdict open, it is inconclusive.
    A projection is only a projection."""
    share, targets, undecided = targets_met_share(report)
    if report.method != "measured":
        return Verdict(
            "projected",
            f"the after-state is a projection ({share:.0%} of targets projected met), not a measurement",
        )
    if targets == 0 or undecided == targets:
        return Verdict("unknown", "no target could be judged on the measured after-state")
    met = round(share * targets)
    detail = f"{met} of {targets} targets met beyond the noise" + (
        f"; undecided: {_undecided_names(report)}" if undecided else ""
    )
    if met == targets:
        return Verdict("met", f"targets met ({detail}): success, document and close")
    if met + undecided < ACCEPTABLE_SHARE * targets:
        return Verdict("not_met", f"{detail}: even if every undecided one were met, under 80%: redesign")
    if share >= ACCEPTABLE_SHARE:
        return Verdict("partial", f"{detail}: acceptable, keep monitoring")
    return Verdict("unknown", f"{detail}: the undecided targets leave the verdict open")


CLOSING_STATUS: dict[str, RunStatus] = {
    "none": "targets_met",
    "inconclusive": "inconclusive",
    "no_root_cause": "inconclusive",
    "met": "targets_met",
    "partial": "acceptable",
    "projected": "projected",
    "unknown": "inconclusive",
    "not_met": "not_met",
}
INCOMPLETE_OVERRIDES = {"targets_met", "acceptable", "projected", "inconclusive"}


def closing_status(verdict: str, steps: Iterable[StepRecord]) -> RunStatus:
    """The run's status from the last verdict; a step that ran out of budget makes a claim incomplete."""
    status = CLOSING_STATUS[verdict]
    if status in INCOMPLETE_OVERRIDES and any(s.status == "budget_exhausted" for s in steps):
        return "incomplete"
    return status
