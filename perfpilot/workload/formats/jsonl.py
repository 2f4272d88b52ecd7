"""JSON-lines query logs: sql|statement|query, duration_ms, request/session id, ts, rows, application_name."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from perfpilot.workload.events import ParseStats, QueryEvent

_SQL_KEYS = ("sql", "statement", "query")
_REQUEST_KEYS = ("request_id", "trace_id")
_SESSION_KEYS = (*_REQUEST_KEYS, "session_id", "connection_id")


def _optional_int(value: object) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def parse_jsonl(lines: Iterable[str], stats: ParseStats) -> Iterator[QueryEvent]:
    """Yield one event per line; lines that are not JSON objects with a statement are counted."""
    for line_no, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            stats.skip(line_no, "not valid JSON")
            continue
        if not isinstance(record, dict):
            stats.skip(line_no, "not a JSON object")
            continue
        sql = next((record[k] for k in _SQL_KEYS if isinstance(record.get(k), str)), None)
        if not sql or not sql.strip():
            stats.skip(line_no, "no sql, statement or query")
            continue
        duration_ms = record.get("duration_ms")
        if duration_ms is not None and (
            not isinstance(duration_ms, int | float) or isinstance(duration_ms, bool) or duration_ms < 0
        ):
            stats.skip(line_no, "duration_ms is not a non-negative number")
            continue
        session = next((record[k] for k in _SESSION_KEYS if record.get(k) not in (None, "")), None)
        request = next((record[k] for k in _REQUEST_KEYS if record.get(k) not in (None, "")), None)
        application = record.get("application_name")
        stamp = record.get("ts")
        database = record.get("database") or record.get("db")
        yield QueryEvent(
            sql=sql.strip().rstrip(";"),
            duration_s=duration_ms / 1000 if duration_ms is not None else None,
            rows_examined=_optional_int(record.get("rows_examined")),
            rows_sent=_optional_int(record.get("rows")),
            session_id=str(session) if session is not None else None,
            timestamp=str(stamp) if stamp is not None else None,
            line=line_no,
            database=str(database) if database else None,
            request_id=str(request) if request is not None else None,
            application=str(application) if application else None,
        )
