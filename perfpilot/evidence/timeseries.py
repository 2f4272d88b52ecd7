"""JSON (Prometheus query_range response or a simple list) and CSV time series -> MetricSeries records.

CSV: a header with `timestamp,name,value`; every other column is a label. Timestamps are unix seconds
or ISO 8601 date-times. Blank label cells are left out of the labels.
"""

from __future__ import annotations

import csv
import json
import math
from datetime import datetime
from pathlib import Path
from typing import Any

from perfpilot.evidence.errors import EvidenceError, open_text, read_text
from perfpilot.evidence.models import MetricSeries

CSV_REQUIRED = ("timestamp", "name", "value")


def _number(value: Any, what: str, source: str, line: int | None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise EvidenceError(source, line, f"bad {what} {value!r}")
    try:
        return float(value)
    except ValueError:
        raise EvidenceError(source, line, f"bad {what} {value!r}") from None


def _timestamp(value: Any, source: str, line: int | None) -> float:
    """Unix seconds from a number, a numeric string or an ISO 8601 date-time."""
    if isinstance(value, str):
        try:
            stamp = float(value)
        except ValueError:
            try:
                return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
            except ValueError:
                raise EvidenceError(source, line, f"bad timestamp {value!r}") from None
    else:
        stamp = _number(value, "timestamp", source, line)
    if not math.isfinite(stamp):
        raise EvidenceError(source, line, f"bad timestamp {value!r}")
    return stamp


def _points(raw: Any, source: str, where: str) -> list[tuple[float, float]]:
    if not isinstance(raw, list):
        raise EvidenceError(source, None, f"{where}: points must be a list of [timestamp, value]")
    points: list[tuple[float, float]] = []
    for i, pair in enumerate(raw):
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            raise EvidenceError(source, None, f"{where}[{i}]: expected [timestamp, value], got {pair!r}")
        value = _number(pair[1], f"value at {where}[{i}]", source, None)
        points.append((_timestamp(pair[0], source, None), value))
    return points


def _labels(raw: Any, source: str, where: str) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise EvidenceError(source, None, f"{where}: labels must be an object")
    return {str(k): str(v) for k, v in raw.items()}


def _from_query_range(data: Any, source: str) -> list[MetricSeries]:
    if not isinstance(data, dict) or data.get("resultType") not in ("matrix", "vector"):
        raise EvidenceError(source, None, "data.resultType must be 'matrix' or 'vector'")
    results = data.get("result")
    if not isinstance(results, list):
        raise EvidenceError(source, None, "data.result must be a list")
    series: list[MetricSeries] = []
    for i, item in enumerate(results):
        where = f"data.result[{i}]"
        if not isinstance(item, dict):
            raise EvidenceError(source, None, f"{where} must be an object")
        labels = _labels(item.get("metric"), source, f"{where}.metric")
        name = labels.pop("__name__", "")
        raw = item.get("values") if "values" in item else [item.get("value")]
        series.append(MetricSeries(name=name, labels=labels, points=_points(raw, source, f"{where}.values")))
    return series


def _from_simple_list(items: list[Any], source: str) -> list[MetricSeries]:
    series: list[MetricSeries] = []
    for i, item in enumerate(items):
        where = f"[{i}]"
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"]:
            raise EvidenceError(source, None, f"{where}: each series needs a 'name'")
        labels = _labels(item.get("labels"), source, f"{where}.labels")
        series.append(
            MetricSeries(name=item["name"], labels=labels, points=_points(item.get("points"), source, where))
        )
    return series


def load_timeseries_json(path: Path, *, source: str | None = None) -> list[MetricSeries]:
    """Load a Prometheus HTTP API query_range response or a list of {name, labels, points}."""
    label = source or str(path)
    try:
        document = json.loads(read_text(path, label))
    except json.JSONDecodeError as exc:
        raise EvidenceError(label, exc.lineno, f"not valid JSON: {exc.msg}") from None
    if isinstance(document, list):
        return _from_simple_list(document, label)
    if isinstance(document, dict) and "status" in document:
        if document["status"] != "success":
            status, error = document["status"], document.get("error")
            raise EvidenceError(label, None, f"query status is {status!r}: {error}")
        return _from_query_range(document.get("data"), label)
    raise EvidenceError(label, None, "expected a Prometheus query_range response or a list of series")


def load_timeseries_csv(path: Path, *, source: str | None = None) -> list[MetricSeries]:
    """Load a CSV time series (header timestamp,name,value[,label...]), one series per name and labels."""
    label = source or str(path)
    grouped: dict[tuple[str, tuple[tuple[str, str], ...]], MetricSeries] = {}
    with open_text(path, label) as handle:
        reader = csv.DictReader(handle)
        header = [h.strip() for h in reader.fieldnames or []]
        missing = [c for c in CSV_REQUIRED if c not in header]
        if missing:
            lacking = ", ".join(missing)
            raise EvidenceError(label, 1, f"CSV header lacks {lacking} (needs timestamp,name,value)")
        reader.fieldnames = header
        for row in reader:
            line = reader.line_num
            if None in row or any(v is None for v in row.values()):
                raise EvidenceError(label, line, f"row does not have the {len(header)} columns of the header")
            name = row["name"].strip()
            if not name:
                raise EvidenceError(label, line, "empty metric name")
            labels = tuple(sorted((k, v) for k, v in row.items() if k not in CSV_REQUIRED and v != ""))
            point = (_timestamp(row["timestamp"].strip(), label, line),
                     _number(row["value"].strip(), "value", label, line))
            key = (name, labels)
            if key not in grouped:
                grouped[key] = MetricSeries(name=name, labels=dict(labels))
            grouped[key].points.append(point)
    return list(grouped.values())


def load_timeseries(path: Path, *, format: str = "auto", source: str | None = None) -> list[MetricSeries]:
    """Load a JSON or CSV time series; format 'auto' goes by the file suffix (.csv, else JSON)."""
    kind = format if format != "auto" else ("csv" if path.suffix.lower() == ".csv" else "json")
    if kind == "csv":
        return load_timeseries_csv(path, source=source)
    return load_timeseries_json(path, source=source)
