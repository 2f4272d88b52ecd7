"""The query shapes the run loaded (`evidence.workloads`): the top shapes by time, and their analysis."""

from __future__ import annotations

from collections.abc import Sequence

from perfpilot.skills.database_optimization.shapes.analyze import analyze_shape
from perfpilot.skills.database_optimization.shapes.models import ShapeAnalysis, ShapeDialect
from perfpilot.workload.models import QueryShape, WorkloadDigest


def source_time_s(workloads: Sequence[WorkloadDigest]) -> dict[str, float]:
    """Each workload's statement time by source: the denominator of the time shares of the shapes it
    measured. Sources are not summed: each counts over its own window (pg_stat_statements since its last
    reset, a log over the time it covers), often the same statements twice, so a share of the sum depends
    on how long each source counted; a share within the source that measured the shape does not."""
    totals: dict[str, float] = {}
    for digest in workloads:
        totals[digest.source] = totals.get(digest.source, 0.0) + digest.total_time_s
    return totals


def shape_analysis(shape: QueryShape, dialect: ShapeDialect) -> ShapeAnalysis:
    """The analysis of the shape's example statement, else of its fingerprint (cached per shape)."""
    analysis = analyze_shape(shape.example, dialect, key=shape.fingerprint)
    if analysis.parsed:
        return analysis
    return analyze_shape(shape.fingerprint, dialect, key="fp:" + shape.fingerprint)


def _tables(shape: QueryShape, dialect: ShapeDialect) -> set[str]:
    return {t.lower() for t in shape.tables} | set(shape_analysis(shape, dialect).table_names())


def top_shapes(
    workloads: Sequence[WorkloadDigest], *, top: int, focus_tables: Sequence[str], dialect: ShapeDialect
) -> list[tuple[QueryShape, str]]:
    """(shape, digest source) for the `top` shapes by total time, restricted to focus tables if given.
    A shape seen in several digests counts once, from the digest where it took most time."""
    best: dict[str, tuple[QueryShape, str]] = {}
    for digest in workloads:
        for shape in digest.queries:
            if shape.id not in best or shape.total_time_s > best[shape.id][0].total_time_s:
                best[shape.id] = (shape, digest.source)
    ranked = sorted(best.values(), key=lambda item: (-item[0].total_time_s, item[0].id))
    focus = {t.lower() for t in focus_tables}
    if focus:
        ranked = [item for item in ranked if focus & _tables(item[0], dialect)]
    return ranked[:top]
