"""The database-optimization-analyzer skill: workload shapes, catalog and traces in; database findings out."""

from __future__ import annotations

from pydantic import Field

from perfpilot.artifacts import Finding
from perfpilot.skills.base import Skill, SkillContext, SkillInput, SkillOutput
from perfpilot.skills.database_optimization.antipatterns import run_checks
from perfpilot.skills.database_optimization.catalog.models import Catalog
from perfpilot.skills.database_optimization.catalog.source import load_catalog
from perfpilot.skills.database_optimization.findings.antipattern import antipattern_finding
from perfpilot.skills.database_optimization.findings.cacheable import cache_finding, is_cacheable
from perfpilot.skills.database_optimization.findings.format import SKILL_NAME
from perfpilot.skills.database_optimization.findings.index_worth import (
    latency_target_ms,
    material_index_findings,
)
from perfpilot.skills.database_optimization.findings.lock_contention import lock_contention_findings
from perfpilot.skills.database_optimization.findings.nplusone import nplusone_finding
from perfpilot.skills.database_optimization.findings.plan_statistics import plan_statistics_findings
from perfpilot.skills.database_optimization.findings.work_mem_spill import work_mem_spill_findings
from perfpilot.skills.database_optimization.indexes.advisor import advise
from perfpilot.skills.database_optimization.ingest.log_streams import log_n_plus_one
from perfpilot.skills.database_optimization.ingest.workload import shape_analysis, source_time_s, top_shapes
from perfpilot.skills.database_optimization.nplusone.detect import DEFAULT_MIN_REPEATS, detect_in_traces
from perfpilot.skills.database_optimization.plans.evidence import evidence_plan_findings
from perfpilot.skills.database_optimization.plans.range_shares import with_range_shares
from perfpilot.skills.database_optimization.shapes.models import ShapeDialect


class DbAnalyzerInput(SkillInput):
    """What to look at; the evidence (workloads, schema, traces) comes from the run."""

    top_shapes: int = Field(default=20, ge=1, le=500, description="Analyse the N shapes with most time.")
    focus_tables: list[str] = Field(default_factory=list, description="Only shapes touching these tables.")
    include_index_advice: bool = True
    include_anti_patterns: bool = True
    include_n_plus_one: bool = True
    min_repeats: int = Field(default=DEFAULT_MIN_REPEATS, ge=2, description="Calls per request for N+1.")
    storage_budget_mb: float | None = Field(default=None, gt=0, description="Cap on new index size.")


class DbAnalyzerOutput(SkillOutput):
    """Findings (missing_index, n_plus_one, n_plus_one_hint, anti_pattern:<check>, cacheable_query,
    stale_statistics, lock_contention, work_mem_spill, unused_index, duplicate_index, plan:<kind>) plus what
    was analysed."""

    shapes_analyzed: int = 0
    shapes_unparsed: int = 0
    catalog_source: str | None = None
    index_method: str | None = None


def run(inp: DbAnalyzerInput, ctx: SkillContext) -> DbAnalyzerOutput:
    loaded = load_catalog(ctx.evidence.target)
    dialect: ShapeDialect = loaded.dialect
    catalog = loaded.catalog
    notes = list(loaded.notes)
    source_time = source_time_s(ctx.evidence.workloads)
    shapes = top_shapes(
        ctx.evidence.workloads, top=inp.top_shapes, focus_tables=inp.focus_tables, dialect=dialect
    )
    findings: list[Finding] = []
    unparsed = 0
    for shape, source in shapes:
        if is_cacheable(shape):
            findings.append(cache_finding(shape, source_time[source], source))
        analysis = shape_analysis(shape, dialect)
        if not analysis.parsed:
            unparsed += 1
        elif inp.include_anti_patterns:
            found = run_checks(analysis, catalog)
            findings += [antipattern_finding(p, shape, source_time[source], source) for p in found]
    if unparsed:
        notes.append(f"{unparsed} of {len(shapes)} shapes did not parse as {dialect} SQL and were skipped")
    n_plus_one, calls_per_request = (
        _n_plus_one_findings(ctx, dialect, inp.min_repeats, catalog, notes)
        if inp.include_n_plus_one
        else ([], {})
    )
    index_method = None
    if inp.include_index_advice and catalog is not None and shapes:
        advice = advise(
            [s for s, _ in shapes],
            with_range_shares(catalog, ctx.evidence.plans),
            dsn=loaded.dsn,
            dialect=dialect,
            storage_budget_mb=inp.storage_budget_mb,
            workload_time_s={shape.id: source_time[source] for shape, source in shapes},
        )
        index_method = advice.method
        target_ms = latency_target_ms(ctx.evidence.target.slos)
        by_id = {shape.id: shape for shape, _ in shapes}
        worth, left_out = material_index_findings(advice, by_id, calls_per_request, target_ms)
        findings += worth
        notes += advice.notes[:10] + left_out
    findings += n_plus_one
    shares: dict[str, float] = {}
    for q in (q for d in ctx.evidence.workloads for q in d.queries):  # a shape's largest share in any source
        shares[q.id] = max(q.share, shares.get(q.id, 0.0))
    findings += evidence_plan_findings(ctx.evidence.plans, catalog, shares)
    findings += plan_statistics_findings(ctx.evidence.plans, catalog, ctx.evidence.workloads)
    findings += lock_contention_findings(ctx.evidence.workloads, dialect)
    findings += work_mem_spill_findings(ctx.evidence.workloads)
    unique: dict[str, Finding] = {}
    for finding in sorted(findings, key=lambda f: -f.impact):  # one finding per id: the weightiest
        unique.setdefault(finding.id, finding)
    ordered = sorted(unique.values(), key=lambda f: (-f.impact, f.kind, f.id))
    ctx.log.info("db_analyzer.done", shapes=len(shapes), findings=len(ordered), index_method=index_method)
    return DbAnalyzerOutput(
        findings=ordered,
        notes=notes,
        shapes_analyzed=len(shapes) - unparsed,
        shapes_unparsed=unparsed,
        catalog_source=catalog.source if catalog is not None else None,
        index_method=index_method,
    )


def _n_plus_one_findings(
    ctx: SkillContext, dialect: ShapeDialect, min_repeats: int, catalog: Catalog | None, notes: list[str]
) -> tuple[list[Finding], dict[str, float]]:
    """N+1 findings (traces first, then logs), and the median calls per request of each repeated shape."""
    traces = ctx.evidence.traces
    traced = detect_in_traces(traces, dialect, min_repeats=min_repeats, catalog=catalog)
    trace_time = sum((t.root.end_ns - t.root.start_ns) / 1e9 for t in traces)
    logged = log_n_plus_one(ctx.evidence, dialect, min_repeats, catalog, notes)
    seen_in_traces = {n.shape_id for n in traced}  # traces name the endpoint: keep those, drop the log's copy
    confirmed = seen_in_traces | {n.shape_id for n, _ in logged if n.grouped_by != "connection"}
    logged = [(n, t) for n, t in logged if n.grouped_by != "connection" or n.shape_id not in confirmed]
    from_logs = sorted(  # the same shape in several logs: keep the log where it weighs most
        (nplusone_finding(n, log_time) for n, log_time in logged if n.shape_id not in seen_in_traces),
        key=lambda f: -f.impact,
    )
    tied = [*traced, *(n for n, _ in logged if n.grouped_by != "connection")]
    calls = {n.shape_id: n.calls_median for n in tied}
    return [nplusone_finding(n, trace_time) for n in traced] + from_logs, calls


SKILL = Skill(name=SKILL_NAME, input_model=DbAnalyzerInput, output_model=DbAnalyzerOutput, run=run)
