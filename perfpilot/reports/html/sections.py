"""What the findings, bottlenecks, plan and ROI sections show, in words and formatted figures."""

from __future__ import annotations

from dataclasses import dataclass, field

from perfpilot.artifacts import EvidenceRef, Finding
from perfpilot.artifacts.report import RunReport
from perfpilot.figures import days, plain, share, signed_pct, usd
from perfpilot.reports.wording import estimate_text, finding_title


@dataclass
class EvidenceView:
    where: str
    excerpt: str
    values: list[str]


@dataclass
class FindingView:
    id: str
    title: str
    priority: str
    layer: str
    skill: str
    subject: str
    impact: str
    estimate: str
    method: str
    root_cause: str
    origin: str
    evidence: list[EvidenceView] = field(default_factory=list)


def _evidence(refs: list[EvidenceRef]) -> list[EvidenceView]:
    return [
        EvidenceView(
            where=f"{e.source}:{e.line}" if e.line else e.source,
            excerpt=e.excerpt,
            values=[f"{k} = {plain(v)}" for k, v in e.values.items()],
        )
        for e in refs
    ]


def _finding(f: Finding, origin: str) -> FindingView:
    return FindingView(
        id=f.id,
        title=finding_title(f.title, f.kind, f.subject),
        priority=f.priority,
        layer=f.layer,
        skill=f.skill,
        subject=f.subject,
        impact=share(f.impact),
        estimate=estimate_text(f.estimate) if f.estimate else "",
        method=f.estimate.method if f.estimate else "",
        root_cause=f.root_cause,
        origin=origin,
        evidence=_evidence(f.evidence),
    )


def findings(report: RunReport) -> list[FindingView]:
    """Every finding once: root causes, then what planning and profiling found beyond them."""
    origin = {f.id: "profiling" for f in (report.inventory.findings if report.inventory else [])}
    origin |= {f.id: "planning" for f in (report.plan.findings if report.plan else [])}
    origin |= {f.id: "analysis" for f in (report.root_cause.findings if report.root_cause else [])}
    return [_finding(f, origin.get(f.id, "")) for f in report.all_findings()]


@dataclass
class RoiView:
    rows: list[tuple[str, str, str]]  # what, figure, measured or estimated
    method: str


def _payback(report_method: str, savings: float, payback_days: float | None) -> str:
    if payback_days is not None:
        return days(payback_days)
    if report_method == "measured" and savings <= 0:
        return "none (no net saving)"
    return "unknown (needs a measured after-state)"


def roi(report: RunReport) -> RoiView | None:
    """ROI rows, each saying whether its figure was measured or estimated (unknown when neither)."""
    v = report.validation
    if v is None:
        return None
    r = v.roi
    savings = r.monthly_savings_usd
    rows = [
        ("Monthly cost before", usd(r.monthly_cost_before_usd), "from the inventory's prices"),
        ("Monthly cost after", usd(r.monthly_cost_after_usd), "estimated"),
        (
            "Monthly savings" if savings >= 0 else "Net cost increase",
            usd(abs(savings)),
            "estimated (plan's cost changes)",
        ),
        (
            "Throughput change",
            signed_pct(r.throughput_gain_pct) if r.throughput_gain_pct is not None else "unknown",
            "measured" if r.throughput_gain_pct is not None else "not measured",
        ),
        ("Effort", days(r.effort_days), "estimated from the plan"),
        ("Payback", _payback(v.method, savings, r.payback_days), "from the measured gain and savings"),
    ]
    return RoiView([row for row in rows if row[1] != "–"], r.method)
