"""The digest: stream events, group them by fingerprint, and rank the shapes by total time."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from perfpilot.workload.events import ParseStats, QueryEvent
from perfpilot.workload.fingerprint import fingerprint, fingerprint_id
from perfpilot.workload.ingest import iter_events, resolve_format
from perfpilot.workload.models import QueryShape, WorkloadDigest
from perfpilot.workload.quantiles import QuantileSketch
from perfpilot.workload.redact import redact_secrets
from perfpilot.workload.tables import tables_of

__all__ = ["digest_events", "digest_file", "iter_events"]


class _ShapeTotals:
    """Running figures for one fingerprint."""

    __slots__ = (
        "count", "example", "example_time", "first_seen", "last_seen", "max_time", "rows_examined",
        "rows_sent", "sketch", "timed", "total_time",
    )

    def __init__(self, event: QueryEvent) -> None:
        self.count = 0
        self.timed = 0
        self.total_time = 0.0
        self.max_time = 0.0
        self.rows_examined: int | None = None
        self.rows_sent: int | None = None
        self.first_seen = event.timestamp
        self.last_seen = event.timestamp
        self.example = event.sql
        self.example_time = -1.0
        self.sketch = QuantileSketch()

    def add(self, event: QueryEvent) -> None:
        count = event.count
        self.count += count
        duration = event.duration_s
        if duration is not None:
            self.timed += count
            self.total_time += duration
            each = duration / count if count > 1 else duration
            self.sketch.add(each, count)
            if each > self.max_time:
                self.max_time = each
            if each > self.example_time:
                self.example_time = each
                self.example = event.sql
        if event.rows_examined is not None:
            self.rows_examined = (self.rows_examined or 0) + event.rows_examined
        if event.rows_sent is not None:
            self.rows_sent = (self.rows_sent or 0) + event.rows_sent
        if event.timestamp is not None:
            if self.first_seen is None:
                self.first_seen = event.timestamp
            self.last_seen = event.timestamp


def _shape(text: str, totals: _ShapeTotals, grand_total: float) -> QueryShape:
    timed = totals.timed
    return QueryShape(
        id=fingerprint_id(text),
        fingerprint=text,
        example=redact_secrets(totals.example),
        count=totals.count,
        total_time_s=totals.total_time,
        mean_time_s=totals.total_time / timed if timed else 0.0,
        p95_time_s=totals.sketch.quantile(0.95),
        max_time_s=totals.max_time,
        share=min(1.0, totals.total_time / grand_total) if grand_total > 0 else 0.0,
        rows_examined=totals.rows_examined,
        rows_sent=totals.rows_sent,
        first_seen=totals.first_seen,
        last_seen=totals.last_seen,
        tables=tables_of(text),
    )


def digest_events(
    events: Iterable[QueryEvent],
    source: str,
    format: str,
    dialect: str | None = None,
    top: int | None = None,
    unparsed_lines: int = 0,
) -> WorkloadDigest:
    """Aggregate events per fingerprint; shapes ranked by total time, then count, then fingerprint."""
    shapes: dict[str, _ShapeTotals] = {}
    for event in events:
        text = fingerprint(event.sql, dialect)
        totals = shapes.get(text)
        if totals is None:
            totals = shapes[text] = _ShapeTotals(event)
        totals.add(event)
    grand_total = sum(t.total_time for t in shapes.values())
    ranked = sorted(shapes.items(), key=lambda item: (-item[1].total_time, -item[1].count, item[0]))
    if top is not None:
        ranked = ranked[: max(0, top)]
    return WorkloadDigest(
        source=source,
        format=format,
        queries=[_shape(text, totals, grand_total) for text, totals in ranked],
        total_time_s=grand_total,
        total_count=sum(t.count for t in shapes.values()),
        unparsed_lines=unparsed_lines,
    )


def digest_file(
    path: Path, format: str = "auto", dialect: str | None = None, top: int | None = None
) -> WorkloadDigest:
    """Digest one workload file; WorkloadError when it is missing or not a workload."""
    chosen = resolve_format(path, format)
    stats = ParseStats(str(path))
    digest = digest_events(iter_events(path, chosen, stats), str(path), chosen, dialect=dialect, top=top)
    digest.unparsed_lines = stats.unparsed_lines
    return digest
