"""Prometheus text format or OpenMetrics (/metrics, /federate output) -> samples, by prometheus_client.

Every sample keeps its family's type (counter, gauge, histogram, summary; `untyped` when no TYPE line
says) and its own timestamp when the exposition carries one (/federate output does; a live /metrics
response usually does not). Parse errors name the line the parser had reached.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO, cast

from prometheus_client.openmetrics.parser import text_fd_to_metric_families as openmetrics_families
from prometheus_client.parser import text_fd_to_metric_families

from perfpilot.evidence.errors import EvidenceError, read_text
from perfpilot.evidence.models import ExpositionSample, MetricKind

_KINDS: dict[str, MetricKind] = {
    "counter": "counter",
    "gauge": "gauge",
    "histogram": "histogram",
    "gaugehistogram": "gauge",
    "summary": "summary",
    "info": "gauge",
    "stateset": "gauge",
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


def parse_prometheus_lines(
    lines: Iterable[str], source: str, *, openmetrics: bool = False
) -> list[ExpositionSample]:
    """Parse exposition-format lines (with or without newlines) into samples; `openmetrics` for the
    OpenMetrics text format (which ends with `# EOF`) instead of Prometheus text format 0.0.4.

    Each family the parser yields is turned into light records and let go before the next is read;
    a sample keeps the parser's own labels dict (no copy)."""
    counted = _CountedLines(lines)
    samples: list[ExpositionSample] = []
    families = openmetrics_families if openmetrics else text_fd_to_metric_families
    try:
        for family in families(cast(TextIO, counted)):
            kind = _KINDS.get(family.type, "untyped")
            samples.extend(
                ExpositionSample(
                    sample.name, sample.labels, float(sample.value), _timestamp_ms(sample.timestamp), kind
                )
                for sample in family.samples
            )
    except ValueError as exc:  # the parser's only error type: a bad name, label set, value or TYPE
        form = "OpenMetrics" if openmetrics else "Prometheus text format"
        raise EvidenceError(source, counted.taken or None, f"not {form}: {exc}") from None
    return samples


def is_openmetrics(text: str) -> bool:
    """OpenMetrics text ends with a `# EOF` line; Prometheus text format 0.0.4 has none."""
    return text.rstrip().endswith("\n# EOF") or text.strip() == "# EOF"


def parse_prometheus_text(text: str, source: str) -> list[ExpositionSample]:
    """Parse a whole exposition (e.g. a live /metrics response), Prometheus text format or OpenMetrics."""
    return parse_prometheus_lines(text.splitlines(), source, openmetrics=is_openmetrics(text))


def load_prometheus(path: Path, *, source: str | None = None) -> list[ExpositionSample]:
    """Load a Prometheus text-format or OpenMetrics file; a malformed line raises EvidenceError naming it."""
    label = source or str(path)
    return parse_prometheus_text(read_text(path, label), label)
