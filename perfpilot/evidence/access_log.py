"""Access logs -> AccessLogEntry records, streamed line by line.

Two shapes: the combined log format, optionally followed by the request time (nginx `$request_time`
in seconds as the last field, `rt=0.123`, else the first decimal number after the combined fields),
nginx's `$upstream_cache_status` (HIT, MISS...) and upstream timings (`upstream_times.py`: uct=, uht=,
urt=); and JSON lines with keys method, path|url, status, duration_ms|request_time (seconds), optional
time|timestamp and bytes_sent|body_bytes_sent, the caching headers of `access_headers.py`
(Cache-Control, Expires, ETag, Last-Modified, Vary, Set-Cookie, Authorization, Cookie) and the upstream
timings under nginx's variable names.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from perfpilot.evidence.access_headers import cache_headers
from perfpilot.evidence.errors import EvidenceError, open_text
from perfpilot.evidence.models import AccessLogEntry
from perfpilot.evidence.upstream_times import from_record, from_text

_COMBINED = re.compile(
    r'(?P<host>\S+) \S+ \S+ \[(?P<time>[^\]]+)\] "(?P<request>(?:[^"\\]|\\.)*)" '
    r"(?P<status>\d{3}) (?P<bytes>\d+|-)"
    r'(?: "(?:[^"\\]|\\.)*" "(?:[^"\\]|\\.)*")?(?P<rest>.*)$'
)
_NAMED_TIME = re.compile(r'(?:^|\s)(?:rt|request_time)="?(\d+(?:\.\d+)?)"?')
_TRAILING_TIME = re.compile(r"(?:^|\s)(\d+(?:\.\d+)?)\s*$")
_FIRST_DECIMAL = re.compile(r'(?:^|\s)"?(\d+\.\d+)"?(?=\s|$)')
_CACHE_STATUS = re.compile(
    r'(?:^|\s)"?(HIT|MISS|BYPASS|EXPIRED|STALE|UPDATING|REVALIDATED)"?(?=\s|$)'
)
"""nginx $upstream_cache_status values, logged after the combined fields."""
_CLF_PARTS = re.compile(r"(\d\d)/([A-Z][a-z]{2})/(\d{4}):(\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)$")
_MONTHS = {m: i for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), start=1)}


@lru_cache(maxsize=4096)
def clf_timestamp(text: str) -> float:
    """`10/Oct/2000:13:55:36 -0700` -> unix seconds (cached: a busy log repeats each second many times)."""
    match = _CLF_PARTS.match(text)
    if match is None or match.group(2) not in _MONTHS:
        raise ValueError(f"bad time {text!r}")
    day, month, year, hour, minute, second, sign, off_h, off_m = match.groups()
    offset = timedelta(hours=int(off_h), minutes=int(off_m)) * (-1 if sign == "-" else 1)
    stamp = datetime(int(year), _MONTHS[month], int(day), int(hour), int(minute), int(second),
                     tzinfo=timezone(offset))
    return stamp.timestamp()


def _path(target: str) -> str:
    """The path of a request target (an absolute URL keeps only its path and query)."""
    if target.startswith(("http://", "https://")):
        parts = urlsplit(target)
        return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return target


def _combined(line: str, lineno: int, source: str) -> AccessLogEntry:
    match = _COMBINED.match(line)
    if match is None:
        raise EvidenceError(source, lineno, "not a combined-format access log line")
    try:
        timestamp = clf_timestamp(match["time"])
    except ValueError:
        raise EvidenceError(source, lineno, f"bad time {match['time']!r}") from None
    parts = match["request"].split()
    method, target = (parts[0], parts[1]) if len(parts) >= 2 else ("-", "-")
    rest = match["rest"]
    timing = (
        (_NAMED_TIME.search(rest) or _TRAILING_TIME.search(rest) or _FIRST_DECIMAL.search(rest))
        if rest.strip()
        else None
    )
    cached = _CACHE_STATUS.search(rest) if rest.strip() else None
    try:
        upstream = from_text(rest) if rest.strip() else {}
    except ValueError:
        raise EvidenceError(source, lineno, "bad upstream time") from None
    return AccessLogEntry(
        timestamp=timestamp,
        method=method,
        path=_path(target),
        status=int(match["status"]),
        duration_ms=float(timing.group(1)) * 1000 if timing else None,
        bytes_sent=None if match["bytes"] == "-" else int(match["bytes"]),
        line=lineno,
        cache_status=cached.group(1) if cached else None,
        upstream_connect_ms=upstream.get("connect"),
        upstream_header_ms=upstream.get("header"),
        upstream_response_ms=upstream.get("response"),
    )


def _json_time(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) / 1000 if value > 1e11 else float(value)
    text = str(value)
    try:  # nginx $msec: "1796575861.152"
        number = float(text)
    except ValueError:
        pass
    else:
        if not math.isfinite(number):
            raise ValueError(f"bad time {text!r}")
        return _json_time(number)
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        pass
    return clf_timestamp(text)


def _cache_status(record: dict[str, Any]) -> str | None:
    value = record.get("upstream_cache_status", record.get("cache_status"))
    text = str(value).strip().upper() if value is not None else ""
    return text if text and text != "-" else None


def _json_entry(line: str, lineno: int, source: str) -> AccessLogEntry:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise EvidenceError(source, lineno, f"not valid JSON: {exc.msg}") from None
    if not isinstance(record, dict):
        raise EvidenceError(source, lineno, "a JSON access log line must be an object")
    try:
        target = record.get("path", record.get("url", record.get("uri")))
        if not isinstance(target, str) or "method" not in record or "status" not in record:
            raise ValueError("needs method, path (or url) and status")
        if record.get("duration_ms") is not None:
            duration: float | None = float(record["duration_ms"])
        elif record.get("request_time") is not None:
            duration = float(record["request_time"]) * 1000
        else:
            duration = None
        sent = record.get("bytes_sent", record.get("body_bytes_sent"))
        upstream = from_record(record)
        return AccessLogEntry(
            timestamp=_json_time(record.get("time", record.get("timestamp"))),
            method=str(record["method"]),
            path=_path(target),
            status=int(record["status"]),
            duration_ms=duration,
            bytes_sent=None if sent in (None, "-", "") else int(sent),
            line=lineno,
            headers=cache_headers(record),
            cache_status=_cache_status(record),
            upstream_connect_ms=upstream.get("connect"),
            upstream_header_ms=upstream.get("header"),
            upstream_response_ms=upstream.get("response"),
        )
    except (TypeError, ValueError) as exc:
        raise EvidenceError(source, lineno, f"bad access log record: {exc}") from None


def iter_access_log(path: Path, *, source: str | None = None) -> Iterator[AccessLogEntry]:
    """Stream entries; the first non-blank line decides between JSON lines and the combined format."""
    label = source or str(path)
    parse = None
    with open_text(path, label, lenient=True) as handle:
        for lineno, raw in enumerate(handle, start=1):
            line = raw.rstrip("\r\n")
            if not line.strip():
                continue
            if parse is None:
                parse = _json_entry if line.lstrip().startswith("{") else _combined
            yield parse(line, lineno, label)


def load_access_log(path: Path, *, source: str | None = None) -> list[AccessLogEntry]:
    """Load a whole access log; a malformed line raises EvidenceError naming it."""
    return list(iter_access_log(path, source=source))
