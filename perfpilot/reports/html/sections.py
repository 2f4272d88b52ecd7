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


def roi(report: RunReport) -> RoiView | None:
    v = report.validation
    if v is None:
        return None
    r = v.roi
    basis = "measured" if v.method == "measured" else "projected"
    rows = [
        ("Monthly cost before", usd(r.monthly_cost_before_usd), "from the inventory's prices"),
        ("Monthly cost after", usd(r.monthly_cost_after_usd), "estimated"),
        ("Monthly savings", usd(r.monthly_savings_usd), "estimated from the cost findings"),
        ("Throughput change", signed_pct(r.throughput_gain_pct), basis),
        ("Effort", days(r.effort_days), "estimated from the plan"),
        (
            "Payback",
            days(r.payback_days) if r.payback_days is not None else "no savings to pay it back",
            "estimated",
        ),
    ]
    return RoiView([row for row in rows if row[1] != "–"], r.method)
