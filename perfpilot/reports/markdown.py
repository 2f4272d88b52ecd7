"""report.md: the run for people, with the decision path drawn and tables of every artifact."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from pathlib import Path

from perfpilot.artifacts import Finding, LoadTestRun, MetricComparison, ValidationReport
from perfpilot.artifacts.report import RunReport, RunStatus
from perfpilot.figures import days, plain, share, signed_pct, usd
from perfpilot.redaction import redact
from perfpilot.reports.live_profile import live_profile_markdown
from perfpilot.reports.wording import (
    estimate_text,
    every_target_text,
    finding_title,
    interval_text,
    met_text,
    targets_text,
)

STATUS_TEXT: dict[RunStatus, str] = {
    "targets_met": "Targets met (measured)",
    "acceptable": "Acceptable (at least 80% of targets met, measured): keep monitoring",
    "projected": "Projected only: the after-state was not measured, so no target is known to be met",
    "inconclusive": "Inconclusive: the evidence cannot decide (see the decisions for what would)",
    "incomplete": "Incomplete: a step ran out of its token budget",
    "not_met": "Targets not met (measured): architecture redesign needed",
    "escalated": "Escalated to a person",
    "error": "Error",
    "interrupted": "Interrupted (Ctrl-C or SIGTERM): the finished steps are kept",
}
ALL_NODES = (
    "profiling",
    "analysis",
    "escalation",
    "optimization",
    "apply",
    "validation",
    "finish",
    "redesign",
)


def _cell(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return plain(value)
    return str(value).replace("|", "\\|").replace("\n", " ")


def table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return [*lines, ""]


def decision_path(report: RunReport) -> list[str]:
    """A mermaid flowchart of the path taken (taken nodes highlighted), and the reasons as text."""
    path = ["start", *report.decision_path, "end"]
    lines = ["```mermaid", "flowchart LR"]
    lines += [f"  {a} --> {b}" for a, b in itertools.pairwise(path)]
    lines += [f"  style {n} fill:#bfb6fc" for n in report.decision_path if n in ALL_NODES]
    lines += ["```", ""]
    lines += [f"- {d}" for d in report.decisions] + [""]
    return lines


def _steps(report: RunReport) -> list[str]:
    rows = [
        (
            s.name,
            s.status,
            s.planner,
            f"{s.tokens_used} / {s.token_budget}",
            s.model_calls,
            ", ".join(s.skills_called) or "–",
        )
        for s in report.steps
    ]
    lines = [
        "## Steps",
        "",
        *table(("step", "status", "planner", "tokens used / budget", "model calls", "skills"), rows),
    ]
    notes = []
    for s in report.steps:
        dropped = [f"context left out: {', '.join(s.dropped_context)}"] if s.dropped_context else []
        notes += [f"- {s.name}: {note}" for note in [*s.notes, *dropped]]
    return [*lines, *notes, ""] if notes else lines


def _baseline(report: RunReport) -> list[str]:
    if report.inventory is None:
        return []
    b = report.inventory.baseline
    # A count of 0 is one the evidence did not give (a k6 threshold's submetric has none): shown as "–".
    rows = [
        (e.name, e.requests or None, e.rps, lat.p50_ms, lat.p95_ms, lat.p99_ms, e.error_rate)
        for e in [b.overall, *b.endpoints]
        for lat in [e.latency]
    ]
    lines = [
        "## Baseline",
        "",
        *table(("endpoint", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "error rate"), rows),
    ]
    if b.layer_time_share:
        parts = [f"{k} {share(v)}" for k, v in b.layer_time_share.items()]
        rest = 1 - sum(b.layer_time_share.values())
        if rest >= 0.005:  # traced time between calls to other services that no span attributes
            parts.append(f"unattributed between calls {share(rest)}")
        lines += ["Share of request time: " + ", ".join(parts), ""]
    inv = report.inventory
    if inv.slo_breaches:
        lines += [
            "### SLO breaches",
            "",
            *table(("SLO", "target", "observed"), [(x.slo, x.target, x.observed) for x in inv.slo_breaches]),
        ]
    lines += _load_tests(inv.load_tests)
    lines += live_profile_markdown(report)
    if inv.findings:
        lines += ["### Found while profiling", "", *_finding_rows(inv.findings)]
    lines += [
        "### Bottlenecks",
        "",
        *table(
            ("id", "layer", "bottleneck", "impact", "top target"),
            [
                (x.id, x.layer, x.title, share(x.impact), "yes" if x.id in inv.top_targets else "")
                for x in inv.bottlenecks
            ],
        ),
    ]
    return lines


def _breaking_point(run: LoadTestRun) -> str:
    point = run.breaking_point
    if point is None:
        return "; ".join(run.notes) or "–"
    crossed = ", ".join(f"{name} > {point.limits[name]:g}" for name in point.crossed)
    vus = f", {point.vus:g} VUs" if point.vus is not None else ""
    good = f"; kept the limits up to {point.max_good_rps:g} req/s" if point.max_good_rps else ""
    return f"at {point.at_s:g} s: {point.rps:g} req/s{vus}, {crossed} ({point.limits_from}){good}"


def _load_tests(runs: list[LoadTestRun]) -> list[str]:
    if not runs:
        return []
    rows = [
        (
            r.source,
            f"{r.role} ({r.role_basis})",
            r.rps,
            r.p95_ms,
            r.error_rate,
            ", ".join(f"{t.metric} {t.expression}" for t in r.failed_thresholds) or "–",
            _breaking_point(r),
        )
        for r in runs
    ]
    header = ("run", "role", "req/s", "p95 ms", "error rate", "thresholds crossed", "breaking point")
    return ["### Load tests", "", *table(header, rows)]


def _finding_rows(findings: list[Finding]) -> list[str]:
    rows = []
    for f in findings:
        est = estimate_text(f.estimate) if f.estimate else "–"
        title = finding_title(f.title, f.kind, f.subject)
        rows.append((f.id, f.priority, f.layer, title, share(f.impact), est))
    return table(("id", "priority", "layer", "finding", "impact", "estimate"), rows)


def _findings(report: RunReport) -> list[str]:
    if report.root_cause is None:
        return []
    lines = ["## Root causes", "", report.root_cause.summary, "", *_finding_rows(report.root_cause.findings)]
    if report.plan is not None and report.plan.findings:
        lines += ["### Found while planning", "", *_finding_rows(report.plan.findings)]
    return lines


def _plan(report: RunReport) -> list[str]:
    if report.plan is None:
        return []
    plan = report.plan
    by_id = {c.id: c for c in plan.changes}
    lines = [
        "## Implementation plan",
        "",
        *table(
            ("#", "change", "group", "kind", "effort (days)", "risk", "applied"),
            [
                (
                    i + 1,
                    by_id[cid].title,
                    by_id[cid].group,
                    by_id[cid].kind,
                    by_id[cid].effort_days,
                    by_id[cid].risk,
                    "yes" if any(cid in a for a in report.applied) else "no",
                )
                for i, cid in enumerate(plan.deployment_sequence)
            ],
        ),
    ]
    lines += [f"- {n}" for n in plan.notes] + ([""] if plan.notes else [])
    for i, cid in enumerate(plan.deployment_sequence):
        c = by_id[cid]
        lines += [
            f"### {i + 1}. {c.title}",
            "",
            f"```{'sql' if c.kind == 'ddl' else ''}",
            c.content.strip(),
            "```",
            "Rollback:",
            "",
            "```",
            c.rollback.strip(),
            "```",
            "",
        ]
    return lines


def roi_line(v: ValidationReport) -> str:
    """Money netted in one figure; a gain or payback that was not measured reads 'unknown'."""
    r = v.roi
    money = (
        f"savings {usd(r.monthly_savings_usd)}/month (estimated)"
        if r.monthly_savings_usd >= 0
        else f"net cost increase {usd(-r.monthly_savings_usd)}/month (estimated)"
    )
    gain = "unknown"
    if r.throughput_gain_pct is not None:
        gain = f"{signed_pct(r.throughput_gain_pct)} ({v.method})"
    if r.payback_days is not None:
        payback = days(r.payback_days)
    elif v.method == "measured" and r.monthly_savings_usd <= 0:
        payback = "none (no net saving)"
    else:
        payback = "unknown"
    return f"ROI: {money}, throughput {gain}, effort {days(r.effort_days)}, payback {payback}"


MEASURED_COLUMNS = (
    "target", "before", "after", "target", "met", "beyond noise", "verdict", "change (95% interval)",
)  # fmt: skip
PROJECTED_COLUMNS = ("target", "before", "after (projected)", "target", "met (projected)")


def _measured_row(c: MetricComparison) -> tuple[object, ...]:
    unit = c.unit or ("ms" if c.metric.split(":", 1)[0].endswith("_ms") else "")
    interval = interval_text(c.change, unit)
    return (c.metric, c.before, c.after, c.target, met_text(c), c.significant, c.verdict, interval)


def _validation(report: RunReport) -> list[str]:
    v = report.validation
    if v is None:
        return []
    lines = [
        f"## Validation ({v.method})",
        "",
        targets_text(v).capitalize()
        + (f"; noise floor {plain(v.noise_floor_pct)}%" if v.noise_floor_pct is not None else "")
        + (f"; across all targets: {every_target_text(v.verdict)}" if v.verdict is not None else "")
        + (f" (undecided: {', '.join(v.undecided)})" if v.undecided else ""),
        "",
    ]
    lines += table(
        (
            "endpoint",
            "p95 ms before",
            "p95 ms after",
            "req/s before",
            "req/s after",
            "errors before",
            "errors after",
        ),
        [
            (
                e.name,
                e.p95_ms_before,
                e.p95_ms_after,
                e.rps_before,
                e.rps_after,
                e.error_rate_before,
                e.error_rate_after,
            )
            for e in v.endpoints
        ],
    )
    if v.method == "measured":
        lines += table(MEASURED_COLUMNS, [_measured_row(c) for c in v.comparisons])
    else:  # nothing after the changes was measured: no column may read as a measured outcome
        projected = [(c.metric, c.before, c.after, c.target, met_text(c)) for c in v.comparisons]
        lines += table(PROJECTED_COLUMNS, projected)
    lines += [roi_line(v), ""]
    if v.artifacts:
        lines += ["Regression prevention:", "", *[f"- `{a}`" for a in v.artifacts], ""]
    lines += [f"- {n}" for n in v.notes]
    return [*lines, ""]


def render(report: RunReport) -> str:
    lines = [
        f"# perfpilot report: {report.target}",
        "",
        f"**{STATUS_TEXT[report.status]}** · tier {report.tier or '–'} · run `{report.run_id}`",
        "",
    ]
    if report.error:
        lines += [f"> Error: {report.error}", ""]
    if report.escalation:
        lines += [f"> Escalation: {report.escalation}", ""]
    lines += ["## Decision path", "", *decision_path(report)]
    lines += _steps(report) + _baseline(report) + _findings(report) + _plan(report) + _validation(report)
    if report.evidence_read:
        lines += [
            "## Evidence read",
            "",
            *table(
                ("source", "items", "read"),
                [(s.source, s.items, "yes" if s.read else "no") for s in report.evidence_read],
            ),
            "",
        ]
    if report.skipped_evidence:
        lines += [
            "## Evidence skipped",
            "",
            *table(
                ("source", "line", "reason"), [(s.source, s.line, s.reason) for s in report.skipped_evidence]
            ),
        ]
    return redact("\n".join(lines).rstrip() + "\n")


def write_markdown(report: RunReport, path: Path) -> None:
    path.write_text(render(report), encoding="utf-8")
