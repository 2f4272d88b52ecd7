"""The plan in deployment order (content and rollback) and the validation's targets, for the HTML report."""

from __future__ import annotations

import math
from dataclasses import dataclass

from perfpilot.artifacts import Change
from perfpilot.artifacts.report import RunReport
from perfpilot.artifacts.validation import ChangeInterval
from perfpilot.figures import MINUS, days, plain, with_unit
from perfpilot.reports.wording import metric_words


@dataclass
class PlanStep:
    number: int
    change: Change
    effort: str
    applied: bool
    language: str  # what the content is: SQL, a Dockerfile or patch, config, infrastructure


LANGUAGE = {"ddl": "SQL", "patch": "patch", "config": "configuration", "infra": "infrastructure"}


def plan_steps(report: RunReport) -> list[PlanStep]:
    if report.plan is None:
        return []
    by_id = {c.id: c for c in report.plan.changes}
    ordered = [*report.plan.deployment_sequence]
    ordered += [c.id for c in report.plan.changes if c.id not in ordered]
    return [
        PlanStep(
            i,
            by_id[cid],
            days(by_id[cid].effort_days),
            any(cid in a for a in report.applied),
            LANGUAGE[by_id[cid].kind],
        )
        for i, cid in enumerate(ordered, start=1)
    ]


@dataclass
class TargetRow:
    target: str
    before: str
    after: str
    goal: str
    outcome: str  # words and a symbol: met, missed, unknown
    beyond_noise: str
    verdict: str
    interval: str


def _pct(log_ratio: float) -> str:
    value = (math.exp(log_ratio) - 1) * 100
    text = plain(abs(value), 2) if abs(value) < 10 else f"{round(abs(value)):,}"
    return "0%" if text == "0" else f"{MINUS if value < 0 else '+'}{text}%"


def interval_text(change: ChangeInterval | None, unit: str) -> str:
    """'−42% [−50%, −31%]; after 55–61 ms': the change with its 95% interval, then the after-value's."""
    if change is None:
        return "–"
    if change.low is None or change.high is None:
        return f"{_pct(change.log_ratio)} (noise unknown)"
    text = f"{_pct(change.log_ratio)} [{_pct(change.low)}, {_pct(change.high)}]"
    if change.after_low is not None and change.after_high is not None:
        text += f"; after {plain(change.after_low)}–{with_unit(change.after_high, unit)}"
    return text


def _outcome(met: bool | None, measured: bool) -> str:
    if met is None:
        return "? unknown"
    if met:
        return "✓ met" if measured else "≈ projected met"
    return "✗ missed" if measured else "✗ projected missed"


def target_rows(report: RunReport) -> list[TargetRow]:
    v = report.validation
    if v is None:
        return []
    measured = v.method == "measured"
    rows = []
    for c in v.comparisons:
        unit = c.unit or ("ms" if c.metric.split(":")[0].endswith("_ms") else "")
        unit = "%" if c.metric.startswith("error_rate") and not c.unit else unit
        noise = {True: "yes", False: "no", None: "–"}[c.significant]
        rows.append(
            TargetRow(
                metric_words(c.metric),
                with_unit(c.before, unit),
                with_unit(c.after, unit),
                with_unit(c.target, unit),
                _outcome(c.met, measured),
                noise,
                (c.verdict or "–").replace("_", " "),
                interval_text(c.change, unit),
            )
        )
    return rows
