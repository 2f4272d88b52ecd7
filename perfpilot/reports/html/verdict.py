"""The verdict in words, with a symbol (colour is never the only signal) and what it rests on."""

from __future__ import annotations

from dataclasses import dataclass, field

from perfpilot.artifacts.report import RunReport, RunStatus
from perfpilot.figures import plain
from perfpilot.reports.markdown import STATUS_TEXT
from perfpilot.reports.wording import every_target_text, targets_text

SYMBOL: dict[RunStatus, tuple[str, str]] = {  # symbol, tone (the CSS class)
    "targets_met": ("✓", "good"),
    "acceptable": ("✓", "good"),
    "projected": ("≈", "warn"),
    "inconclusive": ("?", "warn"),
    "incomplete": ("…", "warn"),
    "not_met": ("✗", "bad"),
    "escalated": ("!", "warn"),
    "error": ("✗", "bad"),
    "interrupted": ("■", "warn"),
}


@dataclass
class Verdict:
    status: str
    text: str
    symbol: str
    tone: str
    basis: str
    facts: list[str] = field(default_factory=list)


def _basis(report: RunReport) -> tuple[str, list[str]]:
    v = report.validation
    if v is None:
        if report.status in ("targets_met", "acceptable"):
            return "measured baseline", ["No change was needed: the verdict rests on the measured baseline."]
        return "no after-state", ["No validation ran, so nothing after a change was measured or projected."]
    undecided = set(v.undecided or [])
    unknown = [c.metric for c in v.comparisons if c.met is None and c.metric not in undecided]
    facts = [
        "The after-state was measured with a load test after applying the changes."
        if v.method == "measured"
        else "The after-state is a projection from the findings' estimates: it was not measured.",
        targets_text(v).capitalize() + ".",
    ]
    if unknown:
        facts.append("Not judged (no figure): " + ", ".join(unknown) + ".")
    if v.verdict is not None:
        facts.append(f"Across all targets: {every_target_text(v.verdict)}.")
    if v.undecided:
        facts.append("Undecided (noise or too few samples): " + ", ".join(v.undecided) + ".")
    if v.noise_floor_pct is not None:
        facts.append(f"Noise floor (spread of p95 across repeated baselines): {plain(v.noise_floor_pct)}%.")
    return v.method, facts


def verdict(report: RunReport) -> Verdict:
    symbol, tone = SYMBOL[report.status]
    basis, facts = _basis(report)
    if report.escalation:
        facts.insert(0, f"Escalation: {report.escalation}")
    if report.error:
        facts.insert(0, f"Error: {report.error}")
    return Verdict(report.status, STATUS_TEXT[report.status], symbol, tone, basis, facts)
