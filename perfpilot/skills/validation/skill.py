"""The performance-validator skill: compare before with after (measured or projected) against the SLOs."""

from __future__ import annotations

from pydantic import Field

from perfpilot.artifacts import Baseline, Finding, ValidationReport
from perfpilot.artifacts.findings import net_monthly_cost_change
from perfpilot.skills.base import Skill, SkillContext, SkillInput, SkillOutput
from perfpilot.skills.load_test.host_contention import RunContention, combined, describe
from perfpilot.skills.validation.compare import (
    HOURS_PER_MONTH,
    compare,
    endpoint_rows,
    roi,
    targets_met_share,
)
from perfpilot.skills.validation.latency_verdict import report_verdict
from perfpilot.skills.validation.projection import project


class ValidatorInput(SkillInput):
    engineer_day_usd: float = Field(default=800, ge=0)


class ValidatorOutput(SkillOutput):
    report: ValidationReport


def _measured_after(ctx: SkillContext) -> Baseline | None:
    out = ctx.earlier.get("load-test-runner")
    baseline = getattr(out, "baseline", None)
    return baseline if isinstance(baseline, Baseline) and getattr(out, "label", "after") == "after" else None


def _after_contention(ctx: SkillContext) -> list[RunContention]:
    out = ctx.earlier.get("load-test-runner")
    runs = getattr(out, "contention", None) or []
    return runs if getattr(out, "label", "after") == "after" else []


def run(inp: ValidatorInput, ctx: SkillContext) -> ValidatorOutput:
    prior = ctx.prior
    before = prior.inventory.baseline if prior.inventory is not None else Baseline()
    findings = prior.root_cause.findings if prior.root_cause is not None else []
    added: list[Finding] = list(getattr(prior.plan, "findings", None) or [])
    planned_findings = [*findings, *(f for f in added if f.id not in {g.id for g in findings})]
    measured = _measured_after(ctx)
    workload_total = sum(d.total_time_s for d in ctx.evidence.workloads)
    projection = (
        None if measured else project(before, planned_findings, prior.plan, ctx.evidence, workload_total)
    )
    after = measured or (projection.after if projection else before)
    contention = _after_contention(ctx) if measured is not None else []
    both = combined(contention)
    rows = compare(
        before, after, ctx.evidence.target.slos, measured=measured is not None,
        contended=both is not None and both.contended,
    )
    verdict, undecided = report_verdict(rows) if measured is not None else (None, [])
    planned = {c.finding_id for c in prior.plan.changes} if prior.plan else set()
    cost_change = net_monthly_cost_change(f for f in planned_findings if f.id in planned) or 0.0
    instances = ctx.evidence.instances
    monthly = (
        round(sum(i.hourly_usd * i.count for i in instances) * HOURS_PER_MONTH, 2) if instances else None
    )
    effort = sum(c.effort_days for c in prior.plan.changes) if prior.plan else 0.0
    notes = [] if rows else ["The target defines no SLOs: nothing to judge against (share set to 1)."]
    if projection is not None:
        notes += projection.notes
    # stated where it decided a verdict: the step's budget is small (a PostgreSQL run's notes fill it)
    if any(r.verdict == "host_contended" for r in rows) and (host := describe(contention)) is not None:
        notes.append(host)
    report = ValidationReport(
        method="measured" if measured else "projected",
        comparisons=rows,
        endpoints=endpoint_rows(before, after),
        noise_floor_pct=before.noise_floor_pct,
        targets_met_share=targets_met_share(rows),
        roi=roi(
            before, after, cost_change, monthly, effort, inp.engineer_day_usd, measured=measured is not None
        ),
        notes=notes,
        verdict=verdict,
        undecided=undecided or None,
    )
    return ValidatorOutput(report=report, notes=notes)


SKILL = Skill(name="performance-validator", input_model=ValidatorInput, output_model=ValidatorOutput, run=run)
