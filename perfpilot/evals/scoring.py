"""Score a run report against an incident's expectations, with partial credit and a line per miss."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from perfpilot.artifacts.findings import Finding
from perfpilot.artifacts.plan import Change
from perfpilot.artifacts.report import RunReport
from perfpilot.evals.incident import ChangeMatch, Expectations, FindingMatch, Incident
from perfpilot.graphs.routing import bottleneck_layers

RISK_ORDER = {"low": 0, "medium": 1, "high": 2}
WEIGHTS = {
    "decision": 0.25,
    "bottlenecks": 0.15,
    "findings": 0.2,
    "false_positives": 0.1,
    "remediation": 0.15,
    "improvement": 0.1,
    "budget": 0.05,
}
DECISION_PARTS = {"path": 0.5, "tier": 0.25, "status": 0.25}


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def finding_matches(expected: FindingMatch, finding: Finding) -> bool:
    """Skill and kind exactly; subject case-insensitively as a substring (so also a prefix)."""
    return (
        finding.skill == expected.skill
        and finding.kind == expected.kind
        and _norm(expected.subject) in _norm(finding.subject)
    )


def change_matches(expected: ChangeMatch, change: Change) -> bool:
    return (
        change.kind == expected.kind
        and _norm(expected.contains) in _norm(change.content)
        and RISK_ORDER[change.risk] <= RISK_ORDER[expected.max_risk]
    )


def precision_recall(got: set[str], expected: set[str]) -> tuple[float, float]:
    """Precision (1 when nothing was reported) and recall (1 when nothing was expected)."""
    hit = len(got & expected)
    return (hit / len(got) if got else 1.0), (hit / len(expected) if expected else 1.0)


def f1(precision: float, recall: float) -> float:
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


@dataclass
class Scored:
    """Component scores in [0, 1] (None when the incident states no expectation for it) and the misses."""

    parts: dict[str, float | None] = field(default_factory=dict)
    path_ok: bool | None = None
    tier_ok: bool | None = None
    status_ok: bool | None = None
    layers: list[str] = field(default_factory=list)
    precision: float | None = None
    recall: float | None = None
    finding_recall: float | None = None
    findings_missed: list[str] = field(default_factory=list)
    false_positives: list[str] = field(default_factory=list)
    remediation_missed: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)

    @property
    def total(self) -> float:
        """The weighted mean over the components that apply, in [0, 1]."""
        used = {k: v for k, v in self.parts.items() if v is not None}
        weight = sum(WEIGHTS[k] for k in used)
        return round(sum(WEIGHTS[k] * v for k, v in used.items()) / weight, 4) if weight else 0.0


def score_decision(exp: Expectations, report: RunReport, s: Scored) -> None:
    credit, weight = 0.0, 0.0
    for part, expected, got in (
        ("path", exp.decision_path, report.decision_path),
        ("tier", exp.tier, report.tier),
        ("status", exp.status, report.status),
    ):
        if expected is None:
            continue
        ok = expected == got
        setattr(s, f"{part}_ok", ok)
        weight += DECISION_PARTS[part]
        credit += DECISION_PARTS[part] if ok else 0.0
        if not ok:
            shown = " > ".join(got) if isinstance(got, list) else got
            wanted = " > ".join(expected) if isinstance(expected, list) else expected
            s.misses.append(f"{part} {shown or '(none)'} (expected {wanted})")
    s.parts["decision"] = round(credit / weight, 4) if weight else None


def score_bottlenecks(exp: Expectations, report: RunReport, s: Scored) -> None:
    inventory = report.inventory
    got = set(bottleneck_layers(inventory)) if inventory else set()
    s.layers = sorted(got)
    if exp.bottleneck_layers is None:
        s.parts["bottlenecks"] = None
        return
    expected: set[str] = set(exp.bottleneck_layers)
    s.precision, s.recall = precision_recall(got, expected)
    s.parts["bottlenecks"] = round(f1(s.precision, s.recall), 4)
    for layer in sorted(expected - got):
        s.misses.append(f"missing bottleneck layer {layer}")
    for layer in sorted(got - expected):
        s.misses.append(f"unexpected bottleneck layer {layer}")


def score_findings(exp: Expectations, report: RunReport, s: Scored) -> None:
    findings = report.all_findings()
    for expected in exp.findings:
        if not any(finding_matches(expected, f) for f in findings):
            s.findings_missed.append(expected.label())
            s.misses.append(f"missing finding {expected.label()}")
    if exp.findings:
        s.finding_recall = round(1 - len(s.findings_missed) / len(exp.findings), 4)
    s.parts["findings"] = s.finding_recall
    for forbidden in exp.forbidden_findings:
        hits = [f for f in findings if finding_matches(forbidden, f)]
        if hits:
            s.false_positives.append(f"{forbidden.skill}/{forbidden.kind} {hits[0].subject}")
            s.misses.append(f"false positive {forbidden.skill}/{forbidden.kind} {hits[0].subject}")
    if exp.forbidden_findings:
        s.parts["false_positives"] = round(1 - len(s.false_positives) / len(exp.forbidden_findings), 4)
    else:
        s.parts["false_positives"] = None


def score_remediation(exp: Expectations, report: RunReport, s: Scored) -> None:
    rem = exp.remediation
    if rem is None:
        s.parts["remediation"] = None
        return
    changes = report.plan.changes if report.plan else []
    checks: list[bool] = []
    if rem.no_changes:
        checks.append(not changes)
        if changes:
            s.remediation_missed.append(f"{len(changes)} change(s) proposed where nothing should change")
    for expected in rem.changes:
        ok = any(change_matches(expected, c) for c in changes)
        checks.append(ok)
        if not ok:
            s.remediation_missed.append(expected.label())
    s.misses += [f"remediation: {m}" for m in s.remediation_missed]
    s.parts["remediation"] = round(sum(checks) / len(checks), 4) if checks else None


def score_improvement(incident: Incident, report: RunReport, s: Scored) -> None:
    imp = incident.expectations.improvement
    if imp is None:
        s.parts["improvement"] = None
        return
    validation = report.validation
    after = {e.name: e.p95_ms_after for e in validation.endpoints} if validation else {}
    checks: list[bool] = []
    for endpoint, recorded in incident.after.p95_ms.items() if incident.after else []:
        got = after.get(endpoint)
        ok = got is not None and abs(got - recorded) <= imp.p95_tolerance * recorded
        checks.append(ok)
        if not ok:
            shown = "none" if got is None else f"{got:.0f} ms"
            s.misses.append(
                f"p95 after {endpoint}: {shown} vs recorded {recorded:.0f} ms (±{imp.p95_tolerance:.0%})"
            )
    if imp.targets_met_share is not None:
        share = validation.targets_met_share if validation else None
        bounds = imp.targets_met_share
        ok = share is not None and bounds.min <= share <= bounds.max
        checks.append(ok)
        if not ok:
            s.misses.append(f"targets_met_share {share} outside [{bounds.min}, {bounds.max}]")
    s.parts["improvement"] = round(sum(checks) / len(checks), 4) if checks else None


def score_report(incident: Incident, report: RunReport) -> Scored:
    """Every component score of one run against its incident's expectations."""
    s = Scored()
    exp = incident.expectations
    score_decision(exp, report, s)
    score_bottlenecks(exp, report, s)
    score_findings(exp, report, s)
    score_remediation(exp, report, s)
    score_improvement(incident, report, s)
    over = [st.name for st in report.steps if st.tokens_used > st.token_budget]
    s.parts["budget"] = 0.0 if over else 1.0
    s.misses += [f"step {name} over its token budget" for name in over]
    if report.error:
        s.misses.append(f"run error: {report.error}")
    return s
