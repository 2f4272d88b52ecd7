"""Database spans (db.statement / db.query.text) from OTLP JSON traces: one export a file or a line."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from perfpilot.workload.errors import WorkloadError
from perfpilot.workload.events import ParseStats, QueryEvent

_STATEMENT_KEYS = ("db.statement", "db.query.text")
_DATABASE_KEYS = ("db.name", "db.namespace")


def _attributes(span: dict[str, Any]) -> dict[str, Any]:
    """Span attributes as a flat dict of key -> scalar value."""
    flat: dict[str, Any] = {}
    for item in span.get("attributes") or []:
        if isinstance(item, dict) and isinstance(item.get("value"), dict):
            value = item["value"]
            flat[str(item.get("key"))] = next(iter(value.values()), None) if value else None
    return flat


def _spans(request: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for resource in request.get("resourceSpans") or []:
        scopes = resource.get("scopeSpans") or resource.get("instrumentationLibrarySpans") or []
        for scope in scopes:
            for span in scope.get("spans") or []:
                if isinstance(span, dict):
                    yield span


def _span_event(span: dict[str, Any], line: int) -> QueryEvent | None:
    attributes = _attributes(span)
    sql = next((attributes[k] for k in _STATEMENT_KEYS if isinstance(attributes.get(k), str)), None)
    if not sql:
        return None
    start = int(span.get("startTimeUnixNano") or 0)
    end = int(span.get("endTimeUnixNano") or 0)
    duration = (end - start) / 1e9 if end >= start > 0 else None
    stamp = datetime.fromtimestamp(start / 1e9, UTC).isoformat() if start else None
    database = next((attributes[k] for k in _DATABASE_KEYS if attributes.get(k)), None)
    trace = span.get("traceId")
    return QueryEvent(
        sql=sql.strip().rstrip(";"), duration_s=duration, session_id=str(trace) if trace else None,
        timestamp=stamp, line=line, database=str(database) if database else None,
    )


def _request_events(request: Any, line: int, stats: ParseStats) -> Iterator[QueryEvent]:
    if not isinstance(request, dict) or "resourceSpans" not in request:
        stats.skip(line, "not an OTLP trace export (no resourceSpans)")
        return
    for span in _spans(request):
        try:
            event = _span_event(span, line)
        except (TypeError, ValueError):
            stats.skip(line, f"unreadable span {span.get('spanId', '?')}")
            continue
        if event is not None:
            yield event


def parse_otlp(lines: Iterable[str], stats: ParseStats) -> Iterator[QueryEvent]:
    """A whole-file OTLP JSON export, or OTLP JSON lines (the collector's file exporter)."""
    iterator = iter(lines)
    first_no, first = 0, ""
    for first_no, first in enumerate(iterator, 1):  # noqa: B007
        if first.strip():
            break
    try:
        request = json.loads(first)
    except json.JSONDecodeError:
        text = first + "".join(iterator)
        try:
            request = json.loads(text)
        except json.JSONDecodeError as exc:
            where = f"{stats.source}:{exc.lineno + first_no - 1}"
            raise WorkloadError(f"{where}: invalid JSON: {exc.msg}") from exc
        yield from _request_events(request, first_no, stats)
        return
    yield from _request_events(request, first_no, stats)
    for line_no, line in enumerate(iterator, first_no + 1):
        if not line.strip():
            continue
        try:
            request = json.loads(line)
        except json.JSONDecodeError:
            stats.skip(line_no, "not valid JSON")
            continue
        yield from _request_events(request, line_no, stats)
