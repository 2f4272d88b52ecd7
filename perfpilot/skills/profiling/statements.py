"""A database workload read as the requests themselves, for targets whose only timing is the database's.

When no load test, histogram, access log or trace times requests, the statements a database logged are
the measured work: each autocommit statement, or BEGIN ... COMMIT as the server logged it, is one unit.
Aggregate sources (pg_stat_statements) give means, not distributions: they never give a percentile, but
a statement shape whose mean alone is over the p95 target, and that takes a large share of the
database's time, is a bottleneck either way."""

from __future__ import annotations

from perfpilot.artifacts import Baseline, Bottleneck, EndpointStats, EvidenceRef, stable_id
from perfpilot.artifacts.bottlenecks import pressure
from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.skills.profiling.baseline import latency_of
from perfpilot.workload.models import QueryShape, StatementStream

PER_STATEMENT_FORMATS = frozenset({"postgres_log", "mysql_slow", "jsonl"})
TRANSACTION_START = ("begin", "start transaction")
TRANSACTION_END = ("commit", "rollback", "end", "abort")
SLOW_SHAPE_SHARE = 0.15  # a slow shape matters when it takes at least this share of database time


def _control(shape: QueryShape | None) -> str | None:
    text = " ".join(shape.fingerprint.lower().rstrip(";").split()) if shape else ""
    if text.startswith(TRANSACTION_START):
        return "start"
    return "end" if text.startswith(TRANSACTION_END) else None


def unit_times_ms(stream: StatementStream, shapes: dict[str, QueryShape]) -> list[float]:
    """Each autocommit statement's time, and each transaction's from BEGIN to the end of COMMIT."""
    times: list[float] = []
    opened: float | None = None
    summed = 0.0
    for item in stream.statements:
        marker = _control(shapes.get(item.shape_id))
        if marker == "start":
            opened, summed = item.at, item.duration_s
        elif marker == "end" and (opened is not None or summed):
            wall = (item.at + item.duration_s - opened) if (item.at and opened) else summed + item.duration_s
            times.append(1000 * max(wall, 0.0))
            opened, summed = None, 0.0
        elif opened is not None or summed:
            summed += item.duration_s
        else:
            times.append(1000 * item.duration_s)
    return times


def statement_baseline(evidence: EvidenceBundle) -> Baseline | None:
    """The units a per-statement database log timed, as the overall baseline (None without such a log)."""
    times: list[float] = []
    sources: list[str] = []
    for digest in evidence.workloads:
        if digest.format not in PER_STATEMENT_FORMATS or not digest.streams or digest.streams_truncated:
            continue
        shapes = {q.id: q for q in digest.queries}
        for stream in digest.streams:
            times += unit_times_ms(stream, shapes)
        sources.append(f"{digest.source} (database transactions as the server logged them)")
    if not times:
        return None
    overall = EndpointStats(name="overall", requests=len(times), latency=latency_of(times))
    return Baseline(overall=overall, sources=sources)


def transactions_bottleneck(baseline: Baseline, target_ms: float | None) -> Bottleneck | None:
    """When the database's own transactions are the measured requests and their p95 is over the target,
    the database is the bottleneck: it is all of the measured time."""
    p95 = baseline.overall.latency.p95_ms
    if target_ms is None or p95 is None or p95 <= target_ms:
        return None
    source = ", ".join(baseline.sources)
    return Bottleneck(
        id=stable_id("bn", "database", "transactions", source),
        layer="database",
        title=f"Database transactions: p95 {p95:.3g} ms over the {target_ms:g} ms target",
        subject="database transactions",
        impact=1.0,
        time_share=1.0,
        metrics={"p95_ms": round(p95, 3), "requests": baseline.overall.requests},
        evidence=[EvidenceRef(source=source, values={"p95_ms": round(p95, 3)})],
    )


def _slow_shapes(evidence: EvidenceBundle, target_ms: float) -> dict[str, list[tuple[QueryShape, str]]]:
    """Slow shapes (mean over the target, a large share of their source's time) by the table they read
    first; a shape seen in several sources (pg_stat_statements and the log of one server) once per source."""
    grouped: dict[str, list[tuple[QueryShape, str]]] = {}
    for digest in evidence.workloads:
        for shape in digest.queries:
            if shape.share >= SLOW_SHAPE_SHARE and 1000 * shape.mean_time_s > target_ms:
                table = shape.tables[0] if shape.tables else f"shape {shape.id}"
                grouped.setdefault(table, []).append((shape, digest.source))
    return grouped


def _table_bottleneck(table: str, found: list[tuple[QueryShape, str]], target: float) -> Bottleneck:
    """One bottleneck for the slow shapes reading one table, weighed in the source where they weigh most."""
    by_source: dict[str, list[QueryShape]] = {}
    for shape, source in found:
        by_source.setdefault(source, []).append(shape)
    source, shapes = max(by_source.items(), key=lambda item: (sum(s.share for s in item[1]), item[0]))
    share = min(1.0, sum(s.share for s in shapes))
    calls = sum(s.count for s in shapes)
    mean_ms = 1000 * sum(s.total_time_s for s in shapes) / calls if calls else 0.0
    ids = sorted({shape.id for shape, _ in found})
    what = "A statement shape" if len(ids) == 1 else f"{len(ids)} statement shapes on {table}"
    return Bottleneck(
        id=stable_id("bn", "database", "statement", *ids),
        layer="database",
        title=f"{what} average{'s' if len(ids) == 1 else ''} {mean_ms:.3g} ms (p95 target {target:g} ms) "
        f"and take{'s' if len(ids) == 1 else ''} {share:.0%} of database time",
        subject=max(shapes, key=lambda s: s.total_time_s).fingerprint[:160],
        impact=round(min(1.0, share * pressure(mean_ms, target)), 4),
        time_share=round(share, 4),
        metrics={"mean_ms": round(mean_ms, 3), "count": calls, "share": round(share, 4)},
        evidence=[
            EvidenceRef(
                source=where,
                excerpt=shape.fingerprint[:300],
                values={"count": shape.count, "mean_ms": round(1000 * shape.mean_time_s, 3)},
            )
            for shape, where in found
        ],
    )


def slow_statement_bottlenecks(evidence: EvidenceBundle) -> list[Bottleneck]:
    """Statement shapes whose mean is over the p95 target and that take a large share of database time:
    one bottleneck per table they read first (the slow statements of one table share its access path),
    so one shape logged by two sources, or two shapes filtering one table, is one bottleneck."""
    target = evidence.target.slos.p95_ms
    if target is None:
        return []
    grouped = _slow_shapes(evidence, target)
    return [_table_bottleneck(table, found, target) for table, found in sorted(grouped.items())]
