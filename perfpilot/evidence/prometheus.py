"""Prometheus text exposition (/metrics or /federate output) -> MetricSample, via prometheus_client.

Every sample keeps its family's type (counter, gauge, histogram, summary; `untyped` when no TYPE line
says) and its own timestamp when the exposition carries one (/federate output does; a live /metrics
response usually does not). Parse errors name the line the parser had reached.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO, cast

from prometheus_client.parser import text_fd_to_metric_families

from perfpilot.evidence.errors import EvidenceError, open_text
from perfpilot.evidence.models import MetricKind, MetricSample

_KINDS: dict[str, MetricKind] = {
    "counter": "counter",
    "gauge": "gauge",
    "histogram": "histogram",
    "gaugehistogram": "gauge",
    "summary": "summary",
}


class _CountedLines:
    """Hands lines to the parser (which iterates its file) and counts them, for error messages."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = iter(lines)
        self.taken = 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.taken += 1
        return line if line.endswith("\n") else line + "\n"


def _timestamp_ms(stamp: object) -> int | None:
    """Milliseconds from the parser's timestamp (float seconds; an OpenMetrics Timestamp has a float())."""
    if stamp is None:
        return None
    seconds = float(stamp)  # type: ignore[arg-type]
    return round(seconds * 1000) if math.isfinite(seconds) else None


def parse_prometheus_lines(lines: Iterable[str], source: str) -> list[MetricSample]:
    """Parse exposition-format lines (with or without newlines) into samples."""
    counted = _CountedLines(lines)
    samples: list[MetricSample] = []
    try:
        for family in text_fd_to_metric_families(cast(TextIO, counted)):
            kind = _KINDS.get(family.type, "untyped")
            samples.extend(
                MetricSample(
                    name=sample.name,
                    labels=dict(sample.labels),
                    value=float(sample.value),
                    timestamp_ms=_timestamp_ms(sample.timestamp),
                    kind=kind,
                )
                for sample in family.samples
            )
    except ValueError as exc:  # the parser's only error type: a bad name, label set, value or TYPE
        raise EvidenceError(source, counted.taken or None, f"not Prometheus text format: {exc}") from None
    return samples


def parse_prometheus_text(text: str, source: str) -> list[MetricSample]:
    """Parse a whole exposition-format document (e.g. a live /metrics response)."""
    return parse_prometheus_lines(text.splitlines(), source)


def load_prometheus(path: Path, *, source: str | None = None) -> list[MetricSample]:
    """Load a Prometheus text-exposition file; a malformed line raises EvidenceError naming it."""
    label = source or str(path)
    with open_text(path, label) as handle:
        return parse_prometheus_lines(handle, label)
