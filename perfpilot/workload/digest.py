"""The digest: stream events, group them by fingerprint, and rank the shapes by total time."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from perfpilot.redaction import redact
from perfpilot.workload.aggregate import ShapeTotals, aggregate_events, aggregate_rows
from perfpilot.workload.errors import WorkloadError
from perfpilot.workload.events import ParseStats, QueryEvent
from perfpilot.workload.fingerprint import fingerprint_id
from perfpilot.workload.formats.mysql_slow import iter_slow_log_rows
from perfpilot.workload.ingest import iter_events, open_workload, resolve_format
from perfpilot.workload.models import LockWaits, LoggedPlan, QueryShape, TempFiles, WorkloadDigest
from perfpilot.workload.streams import StreamRecorder
from perfpilot.workload.tables import tables_of

__all__ = ["build_digest", "digest_events", "digest_file", "iter_events"]

# The SQL dialect a log format implies (double quotes are strings in MySQL, identifiers in PostgreSQL).
FORMAT_DIALECT = {"mysql_slow": "mysql", "postgres_log": "postgres", "pg_stat_statements": "postgres"}


def _shape(text: str, totals: ShapeTotals, grand_total: float) -> QueryShape:
    timed = totals.timed
    return QueryShape(
        id=fingerprint_id(text),
        fingerprint=text,
        example=redact(totals.example),
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


def build_digest(
    shapes: dict[str, ShapeTotals], source: str, format: str, top: int | None = None, unparsed_lines: int = 0,
    streams: StreamRecorder | None = None, plans: list[LoggedPlan] | None = None,
    lock_waits: list[LockWaits] | None = None, temp_files: list[TempFiles] | None = None,
) -> WorkloadDigest:
    """Rank shapes by total time, then count, then fingerprint (so the order is deterministic)."""
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
        streams=streams.streams() if streams is not None else [],
        streams_truncated=streams.truncated if streams is not None else False,
        plans=plans or [],
        lock_waits=lock_waits or [],
        temp_files=temp_files or [],
    )


def digest_events(
    events: Iterable[QueryEvent],
    source: str,
    format: str,
    dialect: str | None = None,
    top: int | None = None,
    unparsed_lines: int = 0,
) -> WorkloadDigest:
    """Aggregate events per fingerprint into a ranked digest."""
    return build_digest(aggregate_events(events, dialect), source, format, top, unparsed_lines)


def digest_file(
    path: Path,
    format: str = "auto",
    dialect: str | None = None,
    top: int | None = None,
    workers: int | None = None,
    max_bytes: int | None = None,
    fingerprint_rules: str = "perfpilot",
    keep_streams: bool = True,
) -> WorkloadDigest:
    """Digest one workload file (shapes by perfpilot's fingerprint rules, or "pt": pt-query-digest's
    classes, workload/fingerprint_pt.py); WorkloadError when it is missing, over `max_bytes` (default: the
    environment's PERFPILOT_MAX_BYTES_WORKLOAD, else the workload default) or not a workload.

    Large MySQL slow logs are split at entry boundaries and parsed by `workers` processes (default:
    one per idle CPU, at most 4; 1 turns this off); the result is the same as a sequential run's.
    The digest keeps the statement streams of session-tagged statements (not when a slow log is
    split across processes; pg_stat_statements and SQL files carry no sessions) unless `keep_streams`
    is False (`perfpilot db digest` prints no streams, so it does not collect them).
    """
    try:
        return _digest_file(path, format, dialect, top, workers, max_bytes, fingerprint_rules, keep_streams)
    except RecursionError:
        raise WorkloadError(f"{path}: a record nests too deeply to read") from None
    except csv.Error as exc:  # a pg_stat_statements CSV field past the csv module's limit, ...
        raise WorkloadError(f"{path}: not readable as CSV ({exc})") from None


def _digest_file(
    path: Path, format: str, dialect: str | None, top: int | None, workers: int | None, max_bytes: int | None,
    rules: str = "perfpilot", keep_streams: bool = True,
) -> WorkloadDigest:
    from perfpilot.workload.parallel import digest_slow_log_in_parallel, worth_splitting
    from perfpilot.workload.regroup import regroup_shapes

    chosen = resolve_format(path, format, max_bytes)
    dialect = dialect or FORMAT_DIALECT.get(chosen)
    if chosen == "mysql_slow" and worth_splitting(path, workers):
        shapes, unparsed = digest_slow_log_in_parallel(path, dialect, workers)
        return build_digest(regroup_shapes(shapes, rules), str(path), chosen, top, unparsed)
    stats = ParseStats(str(path))
    streams = StreamRecorder() if keep_streams else None
    if chosen == "mysql_slow":  # the hot path: rows as tuples, no QueryEvent per entry
        with open_workload(path) as handle:
            rows = iter_slow_log_rows(handle, stats)
            shapes = aggregate_rows(rows, dialect, on_row=streams.add_row if streams else None)
    else:
        events = iter_events(path, chosen, stats, max_bytes)
        shapes = aggregate_events(events, dialect, on_event=streams.add if streams else None)
    return build_digest(
        regroup_shapes(shapes, rules), str(path), chosen, top, stats.unparsed_lines, streams,
        stats.slowest_plans(), stats.lock_waits, stats.temp_files,
    )
