"""Database spans (db.statement / db.query.text) from OTLP JSON traces: one export a file or a line."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from perfpilot.otlp_json import OtlpFormatError, OtlpJsonError, RawSpan, attributes, raw_spans, read_requests
from perfpilot.workload.errors import WorkloadError
from perfpilot.workload.events import ParseStats, QueryEvent

_STATEMENT_KEYS = ("db.statement", "db.query.text")
_DATABASE_KEYS = ("db.name", "db.namespace")


def _span_event(span: dict[str, Any], line: int) -> QueryEvent | None:
    """The statement a span ran; ids, name and times may be missing (the digest needs only the SQL)."""
    values = attributes(span.get("attributes"))
    sql = next((values[k] for k in _STATEMENT_KEYS if isinstance(values.get(k), str)), None)
    if not sql:
        return None
    start = int(span.get("startTimeUnixNano") or 0)
    end = int(span.get("endTimeUnixNano") or 0)
    duration = (end - start) / 1e9 if end >= start > 0 else None
    stamp = datetime.fromtimestamp(start / 1e9, UTC).isoformat() if start else None
    database = next((values[k] for k in _DATABASE_KEYS if values.get(k)), None)
    trace = span.get("traceId")
    return QueryEvent(
        sql=sql.strip().rstrip(";"), duration_s=duration, session_id=str(trace) if trace else None,
        request_id=str(trace) if trace else None,
        timestamp=stamp, line=line, database=str(database) if database else None,
    )


def _request_events(request: Any, line: int, stats: ParseStats) -> Iterator[QueryEvent]:
    if not isinstance(request, dict) or "resourceSpans" not in request:
        stats.skip(line, "not an OTLP trace export (no resourceSpans)")
        return
    try:
        spans: list[RawSpan] = list(raw_spans(request))
    except OtlpFormatError as exc:
        stats.skip(line, str(exc))
        return
    for span in spans:
        try:
            event = _span_event(span.fields, line)
        except (TypeError, ValueError):
            stats.skip(line, f"unreadable span {span.fields.get('spanId', '?')}")
            continue
        if event is not None:
            yield event


def parse_otlp(lines: Iterable[str], stats: ParseStats) -> Iterator[QueryEvent]:
    """A whole-file OTLP JSON export, or OTLP JSON lines (the collector's file exporter)."""
    try:
        for request in read_requests(lines, on_bad_line=lambda line, _: stats.skip(line, "not valid JSON")):
            yield from _request_events(request.body, request.line, stats)
    except OtlpJsonError as exc:
        raise WorkloadError(f"{stats.source}:{exc.line}: invalid JSON: {exc.message}") from exc
