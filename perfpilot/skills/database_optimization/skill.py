"""The database-optimization-analyzer skill: workload shapes, catalog and traces in; database findings out."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pydantic import Field

from perfpilot.artifacts import Finding
from perfpilot.skills.base import Skill, SkillContext, SkillInput, SkillOutput
from perfpilot.skills.database_optimization.antipatterns import run_checks
from perfpilot.skills.database_optimization.caching import cache_finding, is_cacheable
from perfpilot.skills.database_optimization.catalog import Catalog
from perfpilot.skills.database_optimization.catalog_source import load_catalog
from perfpilot.skills.database_optimization.finding_format import SKILL_NAME
from perfpilot.skills.database_optimization.index_findings import (
    advisor_findings,
    index_advice,
    recommendation_finding,
)
from perfpilot.skills.database_optimization.nplusone import (
    DEFAULT_MIN_REPEATS,
    NPlusOne,
    detect_in_events,
    detect_in_traces,
)
from perfpilot.skills.database_optimization.shape_models import ShapeAnalysis, ShapeDialect
from perfpilot.skills.database_optimization.shapes import analyze_shape
from perfpilot.skills.database_optimization.to_findings import antipattern_finding, nplusone_finding
from perfpilot.workload.events import QueryEvent
from perfpilot.workload.models import QueryShape

SESSIONLESS_FORMATS = frozenset({"pg_stat_statements", "sql"})


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
    """Findings (missing_index, n_plus_one, anti_pattern:<check>, cacheable_query, stale_statistics,
    unused_index, duplicate_index, plan:<kind>) plus what was analysed."""

    shapes_analyzed: int = 0
    shapes_unparsed: int = 0
    catalog_source: str | None = None
    index_method: str | None = None


def _shapes(ctx: SkillContext, inp: DbAnalyzerInput, dialect: ShapeDialect) -> list[tuple[QueryShape, str]]:
    """(shape, digest source) for the top shapes by total time, restricted to focus tables if given."""
    best: dict[str, tuple[QueryShape, str]] = {}
    for digest in ctx.evidence.workloads:
        for shape in digest.queries:
            if shape.id not in best or shape.total_time_s > best[shape.id][0].total_time_s:
                best[shape.id] = (shape, digest.source)
    ranked = sorted(best.values(), key=lambda item: (-item[0].total_time_s, item[0].id))
    focus = {t.lower() for t in inp.focus_tables}
    if focus:
        ranked = [
            item
            for item in ranked
            if focus & ({t.lower() for t in item[0].tables} | set(_analysis(item[0], dialect).table_names()))
        ]
    return ranked[: inp.top_shapes]


def _analysis(shape: QueryShape, dialect: ShapeDialect) -> ShapeAnalysis:
    analysis = analyze_shape(shape.example, dialect, key=shape.fingerprint)
    if analysis.parsed:
        return analysis
    return analyze_shape(shape.fingerprint, dialect, key="fp:" + shape.fingerprint)


def _log_n_plus_one(
    ctx: SkillContext, dialect: ShapeDialect, min_repeats: int, catalog: Catalog | None, notes: list[str]
) -> list[tuple[NPlusOne, float]]:
    """N+1 patterns in the target's session-tagged query logs, each with its own log's statement time."""
    from perfpilot.workload.errors import WorkloadError
    from perfpilot.workload.ingest import iter_events, resolve_format

    found: list[tuple[NPlusOne, float]] = []

    def timed(events: Iterator[QueryEvent], total: list[float]) -> Iterator[QueryEvent]:
        for event in events:
            total[0] += event.duration_s or 0.0
            yield event

    target = ctx.evidence.target
    traced = {p.resolve() for p in target.evidence.traces} if ctx.evidence.traces else set()
    for source in target.evidence.workload:
        if source.path is None or source.path.resolve() in traced:  # already scanned as traces
            continue
        try:
            chosen = resolve_format(source.path, source.format)
            if chosen in SESSIONLESS_FORMATS:
                continue
            label = _label(source.path, target.root)
            total = [0.0]
            events = timed(iter_events(source.path, chosen), total)
            patterns = detect_in_events(events, label, dialect, min_repeats=min_repeats, catalog=catalog)
            found += [(pattern, total[0]) for pattern in patterns]
        except (WorkloadError, OSError) as exc:
            notes.append(f"N+1 scan skipped {source.path.name}: {str(exc)[:200]}")
    return found


def _label(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def run(inp: DbAnalyzerInput, ctx: SkillContext) -> DbAnalyzerOutput:
    loaded = load_catalog(ctx.evidence.target)
    dialect: ShapeDialect = loaded.dialect
    catalog = loaded.catalog
    notes = list(loaded.notes)
    workload_time = sum(d.total_time_s for d in ctx.evidence.workloads)
    shapes = _shapes(ctx, inp, dialect)
    findings: list[Finding] = []
    unparsed = 0
    for shape, source in shapes:
        if is_cacheable(shape):
            findings.append(cache_finding(shape, workload_time, source))
        analysis = _analysis(shape, dialect)
        if not analysis.parsed:
            unparsed += 1
        elif inp.include_anti_patterns:
            found = run_checks(analysis, catalog)
            findings += [antipattern_finding(p, shape, workload_time, source) for p in found]
    if unparsed:
        notes.append(f"{unparsed} of {len(shapes)} shapes did not parse as {dialect} SQL and were skipped")
    index_method = None
    if inp.include_index_advice and catalog is not None and shapes:
        advice = index_advice(
            [s for s, _ in shapes],
            catalog,
            dsn=loaded.dsn,
            dialect=dialect,
            storage_budget_mb=inp.storage_budget_mb,
        )
        index_method = advice.method
        by_id = {s.id: s for s, _ in shapes}
        for rec in advice.recommendations:
            if any(q.shape_id in by_id for q in rec.queries):  # an index no shape uses explains nothing
                findings.append(recommendation_finding(rec, by_id, workload_time, catalog.source))
        findings += advisor_findings(advice)
        notes += advice.notes[:10]
    if inp.include_n_plus_one:
        findings += _n_plus_one_findings(ctx, dialect, inp.min_repeats, catalog, notes)
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
) -> list[Finding]:
    traces = ctx.evidence.traces
    traced = detect_in_traces(traces, dialect, min_repeats=min_repeats, catalog=catalog)
    trace_time = sum((t.root.end_ns - t.root.start_ns) / 1e9 for t in traces)
    logged = _log_n_plus_one(ctx, dialect, min_repeats, catalog, notes)
    seen_in_traces = {n.shape_id for n in traced}  # traces name the endpoint: keep those, drop the log's copy
    from_logs = sorted(  # the same shape in several logs: keep the log where it weighs most
        (nplusone_finding(n, log_time) for n, log_time in logged if n.shape_id not in seen_in_traces),
        key=lambda f: -f.impact,
    )
    return [nplusone_finding(n, trace_time) for n in traced] + from_logs


SKILL = Skill(name=SKILL_NAME, input_model=DbAnalyzerInput, output_model=DbAnalyzerOutput, run=run)
