"""k6 time-resolved output (`k6 run --out json=` lines or `--out csv=`, gzipped when named .gz) -> K6Timeline.

Only what a breaking point needs is kept: per window, the most VUs active, requests completed, their p95
latency and the share that failed. Windows are long enough to hold MIN_WINDOW_REQUESTS requests on
average, and never more than MAX_WINDOWS of them, so the timeline stays small whatever the run's length.
"""

from __future__ import annotations

import csv
import json
import math
import re
import zlib
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import IO

from perfpilot.evidence.errors import EvidenceError
from perfpilot.evidence.models import K6Timeline, LoadWindow
from perfpilot.inputs.bounded import bounded_lines, open_text
from perfpilot.inputs.limits import DEFAULT_MAX_BYTES

MIN_WINDOW_REQUESTS = 40
MAX_WINDOWS = 240
WINDOW_LADDER_S = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600)
_WANTED = frozenset({"http_reqs", "http_req_duration", "http_req_failed", "vus"})
_RFC3339 = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$")

Point = tuple[float, str, float]


def _rfc3339(text: str) -> float:
    """k6 writes nanosecond fractions, more than datetime.fromisoformat reads: keep microseconds."""
    match = _RFC3339.match(text)
    if not match:
        raise ValueError(f"bad time {text!r}")
    base, fraction, zone = match.groups()
    stamp = datetime.fromisoformat(base + ("+00:00" if zone == "Z" else zone)).timestamp()
    return stamp + (float(f"0.{fraction}") if fraction else 0.0)


def _csv_time(text: str) -> float:
    """CSV timestamps are unix seconds by default; timeFormat may make them ms, µs or RFC 3339."""
    try:
        value = float(text)
    except ValueError:
        return _rfc3339(text)
    if value > 1e14:
        return value / 1e6
    return value / 1e3 if value > 1e11 else value


def _json_points(handle: IO[str], source: str) -> Iterator[Point]:
    for lineno, line in enumerate(bounded_lines(handle), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if record.get("type") != "Point" or record.get("metric") not in _WANTED:
                continue
            data = record["data"]
            yield _rfc3339(data["time"]), record["metric"], float(data["value"])
        except (json.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError) as exc:
            raise EvidenceError(source, lineno, f"not a k6 JSON output line ({exc})") from None


def _csv_points(handle: IO[str], source: str) -> Iterator[Point]:
    reader = csv.DictReader(handle)
    missing = {"metric_name", "timestamp", "metric_value"} - set(reader.fieldnames or [])
    if missing:
        raise EvidenceError(source, 1, f"not a k6 CSV output: no column {', '.join(sorted(missing))}")
    for row in reader:
        if row["metric_name"] not in _WANTED:
            continue
        try:
            yield _csv_time(row["timestamp"]), row["metric_name"], float(row["metric_value"])
        except (TypeError, ValueError) as exc:
            raise EvidenceError(source, reader.line_num, f"bad k6 CSV row ({exc})") from None


def _points(path: Path, source: str, max_bytes: int) -> list[Point]:
    is_csv = path.name.removesuffix(".gz").endswith(".csv")
    try:
        with open_text(path, max_bytes, "load_test_series") as handle:
            found = list(_csv_points(handle, source) if is_csv else _json_points(handle, source))
    except (OSError, EOFError, UnicodeDecodeError, zlib.error) as exc:  # zlib: a damaged .gz stream
        raise EvidenceError(source, None, f"cannot read k6 output: {exc}") from None
    if not any(metric == "http_reqs" for _, metric, _ in found):
        raise EvidenceError(source, None, "no http_reqs points: not a k6 output of an HTTP test")
    return found


def _window_s(requests: int, duration_s: float) -> float:
    average_rps = requests / max(duration_s, 1.0)
    for step in WINDOW_LADDER_S:
        if average_rps * step >= MIN_WINDOW_REQUESTS and duration_s / step <= MAX_WINDOWS:
            return float(step)
    return max(float(WINDOW_LADDER_S[-1]), math.ceil(duration_s / MAX_WINDOWS))


def _p95(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def _windows(points: list[Point], window_s: float, start: float) -> list[LoadWindow]:
    count = int((max(t for t, _, _ in points) - start) // window_s) + 1
    buckets: list[dict[str, list[float]]] = [{m: [] for m in _WANTED} for _ in range(count)]
    for stamp, metric, value in points:
        buckets[int((stamp - start) // window_s)][metric].append(value)
    windows = []
    for i, bucket in enumerate(buckets):
        requests = len(bucket["http_reqs"])
        failed = bucket["http_req_failed"]
        windows.append(
            LoadWindow(
                start_s=i * window_s,
                duration_s=window_s,
                vus=max(bucket["vus"]) if bucket["vus"] else None,
                requests=requests,
                rps=round(requests / window_s, 3),
                p95_ms=_p95(bucket["http_req_duration"]),
                error_rate=round(sum(failed) / len(failed), 4) if failed else None,
            )
        )
    return windows


def load_k6_timeseries(
    path: Path, *, source: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES["load_test_series"]
) -> K6Timeline:
    """Read a k6 JSON-lines or CSV output file into a timeline of load and latency per window; a .gz file
    is decompressed up to `max_bytes` of text (InputRejected past it)."""
    label = source or str(path)
    points = _points(path, label, max_bytes)
    start = min(t for t, _, _ in points)
    duration = max(t for t, _, _ in points) - start
    requests = sum(1 for _, metric, _ in points if metric == "http_reqs")
    window = _window_s(requests, duration)
    return K6Timeline(source=label, window_s=window, windows=_windows(points, window, start))
