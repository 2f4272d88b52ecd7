"""pr-comment.md: a short Markdown summary of the run for a pull-request comment (the full report is
report.md; a comment stays well under GitHub's 65,536-character limit)."""

from __future__ import annotations

from pathlib import Path

from perfpilot.artifacts import Finding
from perfpilot.artifacts.findings import rank_findings
from perfpilot.artifacts.report import RunReport
from perfpilot.figures import share
from perfpilot.redaction import redact
from perfpilot.reports.markdown import STATUS_TEXT, table
from perfpilot.reports.wording import estimate_text, finding_title, met_text, targets_text

MAX_FINDINGS = 10
MAX_CHANGES = 10
MAX_CHARS = 60_000
MARKER = "<!-- perfpilot:pr-comment -->"  # lets a workflow find and update its own earlier comment


def _findings(findings: list[Finding]) -> list[str]:
    if not findings:
        return ["No findings.", ""]
    rows = [
        (
            f"`{f.id}`",
            f.priority,
            f.layer,
            finding_title(f.title, f.kind, f.subject),
            share(f.impact),
            estimate_text(f.estimate) if f.estimate else "–",
        )
        for f in findings[:MAX_FINDINGS]
    ]
    lines = table(("id", "priority", "layer", "finding", "impact", "estimate"), rows)
    if len(findings) > MAX_FINDINGS:
        lines += [f"…and {len(findings) - MAX_FINDINGS} more in report.md.", ""]
    return lines


def _validation(report: RunReport) -> list[str]:
    v = report.validation
    if v is None:
        return ["Not validated: the run ended before its validation step.", ""]
    if v.method == "projected":
        lines = [
            f"**Validation (projected)**: {targets_text(v)}: nothing was measured after the changes.",
            "",
        ]
        headers = ("target", "before", "after (projected)", "target", "met (projected)")
    else:
        lines = [f"**Validation (measured)**: {targets_text(v)}", ""]
        headers = ("target", "before", "after", "target", "met")
    rows = [
        (c.metric, c.before, c.after, c.target, met_text(c)) for c in v.comparisons
    ]
    return lines + (table(headers, rows) if rows else [])


def _plan(report: RunReport) -> list[str]:
    plan = report.plan
    if plan is None or not plan.changes:
        return []
    by_id = {c.id: c for c in plan.changes}
    ordered = [by_id[i] for i in plan.deployment_sequence if i in by_id] or plan.changes
    lines = ["**Proposed changes** (in deployment order)", ""]
    lines += [f"{n}. {c.title} (`{c.id}`, {c.kind}, risk {c.risk})" for n, c in enumerate(ordered, 1)][
        :MAX_CHANGES
    ]
    if len(ordered) > MAX_CHANGES:
        lines.append(f"…and {len(ordered) - MAX_CHANGES} more in report.md.")
    return [*lines, ""]


def render(report: RunReport) -> str:
    """The comment's Markdown: verdict, exit code, top findings, validation, plan, what was applied."""
    lines = [
        MARKER,
        f"### perfpilot: {report.target}",
        "",
        f"**{STATUS_TEXT[report.status]}** · tier {report.tier or '–'} · exit code {report.exit_code} · "
        f"run `{report.run_id}`",
        "",
    ]
    if report.error:
        lines += [f"> Error: {report.error}", ""]
    if report.escalation:
        lines += [f"> Escalation: {report.escalation}", ""]
    lines += ["**Findings** (highest priority first)", "", *_findings(rank_findings(report.all_findings()))]
    lines += _validation(report) + _plan(report)
    if report.applied:
        lines += ["**Applied**", "", *[f"- {a}" for a in report.applied], ""]
    lines += ["<sub>Full report: report.md / report.html; code scanning: report.sarif.</sub>"]
    text = redact("\n".join(lines).rstrip() + "\n")
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS] + "\n\n…(cut: see report.md)\n"
    return text


def write_pr_comment(report: RunReport, path: Path) -> None:
    path.write_text(render(report), encoding="utf-8")
