"""The plan in deployment order (content and rollback) and the validation's targets, for the HTML report."""

from __future__ import annotations

from dataclasses import dataclass

from perfpilot.artifacts import Change
from perfpilot.artifacts.report import RunReport
from perfpilot.figures import days, with_unit
from perfpilot.reports.wording import interval_text, metric_words


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
