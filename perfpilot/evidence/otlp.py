"""OTLP JSON traces (one export request, a list of them, or JSON lines as the collector file exporter writes).

perfpilot.otlp_json reads the export; each span becomes a Span record (kind, parent, times, status,
attributes, resource attributes) and spans are grouped into one Trace per trace id, in start order.
"""

from __future__ import annotations

from pathlib import Path

from perfpilot.evidence.errors import EvidenceError, open_text
from perfpilot.evidence.models import Span, Trace
from perfpilot.otlp_json import (
    OtlpFormatError,
    OtlpJsonError,
    RawSpan,
    flat_attributes,
    flat_value,
    hex_id,
    nanos,
    optional_hex_id,
    raw_spans,
    read_requests,
    span_kind,
    span_status,
)


def span_record(raw: RawSpan) -> Span:
    """One exported span as a Span; a missing or malformed required field raises OtlpFormatError."""
    fields = raw.fields
    trace_id = hex_id(fields.get("traceId"), "traceId")
    span_id = hex_id(fields.get("spanId"), "spanId")
    name = fields.get("name")
    if not isinstance(name, str):
        raise OtlpFormatError(f"span {span_id} has no name")
    start = nanos(fields.get("startTimeUnixNano"), "startTimeUnixNano")
    end = nanos(fields.get("endTimeUnixNano", start), "endTimeUnixNano")
    status, message = span_status(fields.get("status"))
    return Span(
        trace_id=trace_id,
        span_id=span_id,
        parent_span_id=optional_hex_id(fields.get("parentSpanId"), "parentSpanId"),
        name=name,
        service=str(raw.resource.get("service.name", "")),
        kind=span_kind(fields.get("kind")),
        start_ns=start,
        end_ns=max(end, start),
        attributes=flat_attributes(fields.get("attributes")),
        status=status,
        status_message=message,
        resource={key: flat_value(value) for key, value in raw.resource.items()},
    )


def load_otlp(path: Path, *, source: str | None = None) -> list[Trace]:
    """Load OTLP JSON traces; malformed spans raise EvidenceError (with the line for JSON lines)."""
    label = source or str(path)
    by_trace: dict[str, list[Span]] = {}
    with open_text(path, label) as handle:
        try:
            for request in read_requests(handle):
                line = request.line if request.json_lines else None
                try:
                    for raw in raw_spans(request.body):
                        span = span_record(raw)
                        by_trace.setdefault(span.trace_id, []).append(span)
                except (OtlpFormatError, TypeError, ValueError) as exc:
                    malformed = isinstance(exc, OtlpFormatError)
                    message = str(exc) if malformed else f"malformed OTLP structure ({exc})"
                    raise EvidenceError(label, line, message) from None
        except OtlpJsonError as exc:
            raise EvidenceError(label, exc.line, f"not valid JSON: {exc.message}") from None
    return [
        Trace(trace_id=trace_id, spans=sorted(spans, key=lambda s: (s.start_ns, s.span_id)), source=label)
        for trace_id, spans in by_trace.items()
    ]
