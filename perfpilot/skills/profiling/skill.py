"""The performance-profiler skill: evidence in, bottleneck inventory out."""

from __future__ import annotations

from pydantic import Field

from perfpilot.artifacts import Baseline, BottleneckInventory
from perfpilot.artifacts.bottlenecks import SIGNIFICANT_IMPACT
from perfpilot.artifacts.profiles import LiveProfile
from perfpilot.skills.base import Skill, SkillContext, SkillInput, SkillOutput
from perfpilot.skills.load_test.runs import load_test_runs
from perfpilot.skills.profiling import slos as slo_check
from perfpilot.skills.profiling.attribution import attribute
from perfpilot.skills.profiling.baseline import compute_baseline
from perfpilot.skills.profiling.bottlenecks import (
    application_bottleneck,
    database_bottleneck,
    edge_bottleneck,
    infrastructure_bottlenecks,
    with_layer_shares,
)
from perfpilot.skills.profiling.external import external_bottlenecks
from perfpilot.skills.profiling.hot_paths import hot_path_bottlenecks
from perfpilot.skills.profiling.memory_growth import memory_growth_bottlenecks
from perfpilot.skills.profiling.nodes import node_bottlenecks, window_notes
from perfpilot.skills.profiling.statements import (
    slow_statement_bottlenecks,
    statement_baseline,
    transactions_bottleneck,
)
from perfpilot.skills.profiling.upstream_split import from_upstream_timings


class ProfilerInput(SkillInput):
    top_targets: int = Field(default=3, ge=1, le=3)


class ProfilerOutput(SkillOutput):
    inventory: BottleneckInventory


def _live_profile(ctx: SkillContext) -> LiveProfile | None:
    candidate = getattr(ctx.earlier.get("load-test-runner"), "live_profile", None)
    return candidate if isinstance(candidate, LiveProfile) else None


def _live_baseline(ctx: SkillContext) -> Baseline | None:
    earlier = ctx.earlier.get("load-test-runner")
    candidate = getattr(earlier, "baseline", None)
    return candidate if isinstance(candidate, Baseline) else None


def run(inp: ProfilerInput, ctx: SkillContext) -> ProfilerOutput:
    evidence = ctx.evidence
    slos = evidence.target.slos
    times = attribute(evidence) or from_upstream_timings(evidence)
    measured = compute_baseline(evidence, _live_baseline(ctx))
    database_only = statement_baseline(evidence) if not measured.sources else None
    if database_only is not None:
        measured = database_only.model_copy(update={"resources": measured.resources})
    baseline = with_layer_shares(measured, times)
    pressures = slo_check.endpoint_pressure(baseline, slos)
    bottlenecks = infrastructure_bottlenecks(evidence, pressures)
    bottlenecks += node_bottlenecks(evidence, pressures) + memory_growth_bottlenecks(evidence, pressures)
    slow = slow_statement_bottlenecks(evidence) if times is None else []
    bottlenecks += slow  # no request-level split: the database's own slow statements are bottlenecks too
    if database_only is not None and not slow:
        bottlenecks += [b for b in [transactions_bottleneck(baseline, slos.p95_ms)] if b is not None]
    notes = []
    if times is not None:
        breached = slo_check.latency_breaches(baseline, slos)
        db = database_bottleneck(evidence, times, pressures, breached)
        app = application_bottleneck(times, pressures, breached)
        edge = edge_bottleneck(times, pressures, breached)
        bottlenecks += [b for b in (db, app, edge) if b is not None]
        bottlenecks += external_bottlenecks(times, pressures)
        notes.append(f"Layer attribution from {times.method}.")
    else:
        notes.append("No traces, metric sums or timed logs: request time could not be split by layer.")
    bottlenecks += hot_path_bottlenecks(evidence, pressures)
    notes += window_notes(evidence)
    live_profile = _live_profile(ctx)
    if live_profile is not None and live_profile.status != "recorded":
        notes.append(f"No live profile: {live_profile.reason}")
    bottlenecks.sort(key=lambda b: (-b.impact, b.id))
    significant = [b for b in bottlenecks if b.impact >= SIGNIFICANT_IMPACT]
    inventory = BottleneckInventory(
        baseline=baseline,
        bottlenecks=bottlenecks,
        top_targets=[b.id for b in significant[: inp.top_targets]],
        slo_breaches=slo_check.breaches(baseline, slos),
        load_tests=load_test_runs(evidence.load_tests, slos),
        notes=notes,
        live_profile=live_profile,
    )
    ctx.log.info("profiler.done", bottlenecks=len(bottlenecks), breaches=len(inventory.slo_breaches))
    return ProfilerOutput(inventory=inventory, notes=notes)


SKILL = Skill(name="performance-profiler", input_model=ProfilerInput, output_model=ProfilerOutput, run=run)
