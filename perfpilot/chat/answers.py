"""Deterministic answers about a finished run: the commands a chat session understands with no model."""

from __future__ import annotations

from collections.abc import Callable

from perfpilot.artifacts.report import RunReport
from perfpilot.reports.wording import met_text, targets_text

HELP = """Commands:
  status            the outcome, tier and decision path, with the reason for each branch
  bottlenecks       the bottleneck inventory with impact scores
  findings          root causes by priority        show ID   one finding or change in full
  plan              the implementation plan         rollback  the rollback of every change
  validation        before/after and targets met    budget    tokens per step
  rerun [STEP=N]    run again (optionally with other budgets)
  help              this list                       quit      end the session
Anything else is a question (answered by Claude when a key is configured)."""


def status(report: RunReport) -> str:
    lines = [f"{report.status} (tier {report.tier or '-'}): {' -> '.join(report.decision_path)}"]
    lines += [f"  {d}" for d in report.decisions]
    if report.escalation:
        lines.append(f"  escalation: {report.escalation}")
    return "\n".join(lines)


def bottlenecks(report: RunReport) -> str:
    if report.inventory is None or not report.inventory.bottlenecks:
        return "No bottlenecks were found."
    top = set(report.inventory.top_targets)
    return "\n".join(
        f"{'*' if b.id in top else ' '} {b.id}  {b.layer:<14} impact {b.impact:.2f}  {b.title}"
        for b in report.inventory.bottlenecks
    )


def findings(report: RunReport) -> str:
    if report.root_cause is None or not report.root_cause.findings:
        return "No findings."
    return "\n".join(
        f"{f.id}  [{f.priority}] {f.title} (impact {f.impact:.0%}, {f.complexity})"
        for f in report.root_cause.findings
    )


def show(report: RunReport, item: str) -> str:
    for f in report.root_cause.findings if report.root_cause else []:
        if f.id == item:
            lines = [
                f"{f.title}",
                f"skill {f.skill} · kind {f.kind} · layer {f.layer} · subject {f.subject}",
                f"root cause: {f.root_cause}",
            ]
            if f.estimate:
                e = f.estimate
                lines.append(f"estimate: {e.metric} {e.current:g} -> {e.expected:g} {e.unit} ({e.method})")
            if f.remediation:
                lines += [
                    f"fix ({f.remediation.kind}): {f.remediation.content}",
                    f"rollback: {f.remediation.rollback}",
                ]
            lines += [
                f"evidence: {ev.source}{f':{ev.line}' if ev.line else ''} {ev.excerpt[:200]}"
                for ev in f.evidence
            ]
            return "\n".join(lines)
    for c in report.plan.changes if report.plan else []:
        if c.id == item:
            head = f"{c.title} ({c.group}, {c.kind}, {c.effort_days:g} days, risk {c.risk})"
            return f"{head}\n{c.content}\nrollback: {c.rollback}"
    return f"No finding or change with id {item!r}."


def plan(report: RunReport) -> str:
    if report.plan is None or not report.plan.changes:
        return "No plan."
    by_id = {c.id: c for c in report.plan.changes}
    lines = []
    for i, cid in enumerate(report.plan.deployment_sequence):
        c = by_id[cid]
        lines.append(f"{i + 1}. {c.title} [{c.group}, {c.kind}, risk {c.risk}]  ({cid})")
    return "\n".join(lines)


def rollback(report: RunReport) -> str:
    if report.plan is None or not report.plan.changes:
        return "Nothing to roll back."
    return "\n".join(f"{c.title}: {c.rollback}" for c in report.plan.changes)


def validation(report: RunReport) -> str:
    v = report.validation
    if v is None:
        return "Validation did not run."
    lines = [f"{v.method}: {targets_text(v)}"]
    lines += [
        f"  {c.metric}: {c.before} -> {c.after} (target {c.target}, {met_text(c)})"
        for c in v.comparisons
    ]
    return "\n".join(lines)


def budget(report: RunReport) -> str:
    return "\n".join(
        f"{s.name:<13} {s.tokens_used:>5} / {s.token_budget} tokens, {s.model_calls} model calls"
        for s in report.steps
    )


COMMANDS: dict[str, Callable[[RunReport], str]] = {
    "status": status,
    "bottlenecks": bottlenecks,
    "findings": findings,
    "plan": plan,
    "rollback": rollback,
    "validation": validation,
    "budget": budget,
}


def answer(report: RunReport, line: str) -> str | None:
    """The answer to a command, or None when the line is not one (a free-form question)."""
    word, _, rest = line.strip().partition(" ")
    if word == "help":
        return HELP
    if word == "show":
        return show(report, rest.strip())
    command = COMMANDS.get(word)
    return command(report) if command else None
