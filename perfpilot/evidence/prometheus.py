"""Prometheus text exposition format 0.0.4 -> MetricSample records (histogram buckets kept as samples)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from perfpilot.evidence.errors import EvidenceError, open_text
from perfpilot.evidence.models import MetricSample

_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
_LABEL = re.compile(r'[ \t]*([a-zA-Z_][a-zA-Z0-9_]*)[ \t]*=[ \t]*"((?:[^"\\\n]|\\.)*)"[ \t]*(,?)[ \t]*')
_PAIR = r'[ \t]*[a-zA-Z_][a-zA-Z0-9_]*[ \t]*=[ \t]*"(?:[^"\\\n]|\\.)*"[ \t]*'
_LABEL_SET = re.compile(r"\{(?:" + _PAIR + r"(?:," + _PAIR + r")*,?)?[ \t]*\}")
_PAIRS = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)[ \t]*=[ \t]*"((?:[^"\\\n]|\\.)*)"')
_ESCAPE = re.compile(r"\\(.)")
_UNESCAPED = {"\\": "\\", '"': '"', "n": "\n"}
_TYPES = frozenset({"counter", "gauge", "histogram", "summary", "untyped"})


def _unescape(value: str) -> str:
    if "\\" not in value:
        return value
    return _ESCAPE.sub(lambda m: _UNESCAPED.get(m.group(1), m.group(0)), value)


def _parse_value(token: str) -> float:
    """Parse like Go's ParseFloat as Prometheus does: +Inf, -Inf, NaN, exponents; no underscores."""
    if "_" in token:
        raise ValueError(token)
    return float(token)


def _parse_labels(line: str, start: int, source: str, lineno: int) -> tuple[dict[str, str], int]:
    """Parse `{a="b",...}` beginning just after '{'; return the labels and the index after '}'."""
    whole = _LABEL_SET.match(line, start - 1)
    if whole is not None:  # the fast path: one regex for a well-formed set
        pairs = _PAIRS.findall(line, start, whole.end())
        labels = {name: _unescape(raw) for name, raw in pairs}
        if len(labels) == len(pairs):
            return labels, whole.end()
    return _scan_labels(line, start, source, lineno)


def _scan_labels(line: str, start: int, source: str, lineno: int) -> tuple[dict[str, str], int]:
    """The careful label parser: slower, but it says what is wrong and where."""
    labels: dict[str, str] = {}
    pos = start
    while True:
        while pos < len(line) and line[pos] in " \t":
            pos += 1
        if pos < len(line) and line[pos] == "}":
            return labels, pos + 1
        match = _LABEL.match(line, pos)
        if match is None:
            raise EvidenceError(source, lineno, f"bad label set near {line[pos:pos + 30]!r}")
        name, raw, comma = match.groups()
        if name in labels:
            raise EvidenceError(source, lineno, f"duplicate label {name!r}")
        labels[name] = _unescape(raw)
        pos = match.end()
        if not comma and (pos >= len(line) or line[pos] != "}"):
            raise EvidenceError(source, lineno, "expected ',' or '}' in label set")


def _parse_comment(line: str, types: dict[str, str], source: str, lineno: int) -> None:
    parts = line.lstrip()[1:].split(None, 2)
    if not parts or parts[0] not in ("HELP", "TYPE"):
        return
    if len(parts) < 2 or not _NAME.fullmatch(parts[1]):
        raise EvidenceError(source, lineno, f"# {parts[0]} needs a valid metric name")
    if parts[0] == "TYPE":
        kind = parts[2].strip() if len(parts) > 2 else ""
        if kind not in _TYPES:
            raise EvidenceError(source, lineno, f"unknown metric type {kind!r} for {parts[1]}")
        if parts[1] in types:
            raise EvidenceError(source, lineno, f"second TYPE line for {parts[1]}")
        types[parts[1]] = kind


def _parse_sample(line: str, source: str, lineno: int) -> MetricSample:
    name_match = _NAME.match(line)
    if name_match is None:
        raise EvidenceError(source, lineno, f"expected a metric name, got {line[:30]!r}")
    pos = name_match.end()
    labels: dict[str, str] = {}
    if pos < len(line) and line[pos] == "{":
        labels, pos = _parse_labels(line, pos + 1, source, lineno)
    rest = line[pos:]
    if rest and rest[0] not in " \t":
        raise EvidenceError(source, lineno, f"unexpected {rest[:20]!r} after metric name")
    tokens = rest.split()
    if not tokens:
        raise EvidenceError(source, lineno, f"sample {name_match.group()} has no value")
    if len(tokens) > 2:
        raise EvidenceError(source, lineno, f"unexpected text after the timestamp: {tokens[2]!r}")
    try:
        value = _parse_value(tokens[0])
    except ValueError:
        raise EvidenceError(source, lineno, f"bad sample value {tokens[0]!r}") from None
    timestamp: int | None = None
    if len(tokens) == 2:
        try:
            timestamp = int(tokens[1])
        except ValueError:
            raise EvidenceError(source, lineno, f"bad timestamp {tokens[1]!r}") from None
    return MetricSample(name=name_match.group(), labels=labels, value=value, timestamp_ms=timestamp)


def parse_prometheus_lines(lines: Iterable[str], source: str) -> list[MetricSample]:
    """Parse exposition-format lines (with or without newlines) into samples."""
    samples: list[MetricSample] = []
    types: dict[str, str] = {}
    for lineno, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            _parse_comment(stripped, types, source, lineno)
            continue
        samples.append(_parse_sample(line.lstrip(" \t"), source, lineno))
    return samples


def parse_prometheus_text(text: str, source: str) -> list[MetricSample]:
    """Parse a whole exposition-format document (e.g. a live /metrics response)."""
    return parse_prometheus_lines(text.splitlines(), source)


def load_prometheus(path: Path, *, source: str | None = None) -> list[MetricSample]:
    """Load a Prometheus text-exposition snapshot; malformed lines raise EvidenceError with the line."""
    label = source or str(path)
    with open_text(path, label) as handle:
        return parse_prometheus_lines(handle, label)
