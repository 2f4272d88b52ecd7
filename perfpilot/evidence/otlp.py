"""OTLP JSON traces (one export request, a list of them, or JSON lines as the collector file exporter writes).

resourceSpans -> scopeSpans (or legacy instrumentationLibrarySpans) -> spans, flattened into Span records
and grouped into one Trace per trace id, spans in start order.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from perfpilot.evidence.errors import EvidenceError, open_text
from perfpilot.evidence.models import AttrValue, Span, Trace

_KINDS = ("unspecified", "internal", "server", "client", "producer", "consumer")
_HEX = frozenset("0123456789abcdefABCDEF")


class _Bad(ValueError):
    """A malformed field; the caller adds the file and line."""


def _optional_id(value: Any, field: str) -> str | None:
    return None if value in (None, "") else _hex_id(value, field)


def _hex_id(value: Any, field: str) -> str:
    if not isinstance(value, str) or not value:
        raise _Bad(f"{field} must be a non-empty hex string")
    if set(value) <= _HEX:
        return value.lower()
    try:  # protobuf's canonical JSON mapping writes bytes as base64
        return base64.b64decode(value, validate=True).hex()
    except (binascii.Error, ValueError):
        raise _Bad(f"{field} is neither hex nor base64: {value!r}") from None


def _any_value(value: Any) -> Any:
    if not isinstance(value, dict):
        raise _Bad(f"attribute value must be an object, got {value!r}")
    if "stringValue" in value:
        return str(value["stringValue"])
    if "boolValue" in value:
        return bool(value["boolValue"])
    if "intValue" in value:
        return int(value["intValue"])
    if "doubleValue" in value:
        return float(value["doubleValue"])
    if "arrayValue" in value:
        return [_any_value(v) for v in value["arrayValue"].get("values", [])]
    if "kvlistValue" in value:
        return _attributes(value["kvlistValue"].get("values", []))
    if "bytesValue" in value:
        return str(value["bytesValue"])
    return ""


def _attributes(raw: Any) -> dict[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, list):
        raise _Bad("attributes must be a list of {key, value}")
    result: dict[str, Any] = {}
    for item in raw:
        if not isinstance(item, dict) or "key" not in item:
            raise _Bad(f"attribute without a key: {item!r}")
        result[str(item["key"])] = _any_value(item.get("value", {}))
    return result


def _flat(value: Any) -> AttrValue:
    return value if isinstance(value, str | int | float | bool) else json.dumps(value, separators=(",", ":"))


def _kind(raw: Any) -> str:
    if raw is None:
        return "unspecified"
    if isinstance(raw, int) and 0 <= raw < len(_KINDS):
        return _KINDS[raw]
    if isinstance(raw, str):
        name = raw.removeprefix("SPAN_KIND_").lower()
        if name in _KINDS:
            return name
    raise _Bad(f"unknown span kind {raw!r}")


def _nanos(raw: Any, field: str) -> int:
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise _Bad(f"{field} must be an integer of nanoseconds, got {raw!r}") from None


def _is_error(status: Any) -> bool:
    code = status.get("code") if isinstance(status, dict) else None
    return code in (2, "2", "STATUS_CODE_ERROR")


def _span(raw: Any, service: str) -> Span:
    if not isinstance(raw, dict):
        raise _Bad("span must be an object")
    trace_id = _hex_id(raw.get("traceId"), "traceId")
    span_id = _hex_id(raw.get("spanId"), "spanId")
    name = raw.get("name")
    if not isinstance(name, str):
        raise _Bad(f"span {span_id} has no name")
    start = _nanos(raw.get("startTimeUnixNano"), "startTimeUnixNano")
    end = _nanos(raw.get("endTimeUnixNano", start), "endTimeUnixNano")
    attributes = {k: _flat(v) for k, v in _attributes(raw.get("attributes")).items()}
    return Span(
        trace_id=trace_id,
        span_id=span_id,
        parent_span_id=_optional_id(raw.get("parentSpanId"), "parentSpanId"),
        name=name,
        service=service,
        kind=_kind(raw.get("kind")),
        start_ns=start,
        end_ns=max(end, start),
        attributes=attributes,
        error=_is_error(raw.get("status")),
    )


def _spans_of_request(request: Any) -> Iterator[Span]:
    if not isinstance(request, dict) or not isinstance(request.get("resourceSpans", []), list):
        raise _Bad("expected an OTLP export request with 'resourceSpans'")
    for resource_spans in request.get("resourceSpans", []):
        resource = resource_spans.get("resource") or {}
        service = str(_attributes(resource.get("attributes")).get("service.name", ""))
        scopes = resource_spans.get("scopeSpans") or resource_spans.get("instrumentationLibrarySpans") or []
        for scope in scopes:
            for raw in scope.get("spans") or []:
                yield _span(raw, service)


def _requests(handle: Any, source: str) -> Iterator[tuple[Any, int | None]]:
    """Yield (export request, line) from JSON lines, or from one JSON document (line None)."""
    first = handle.readline()
    while first and not first.strip():
        first = handle.readline()
    if not first:
        return
    try:
        document = json.loads(first)
        json_lines = isinstance(document, dict)
    except json.JSONDecodeError:
        json_lines = False
    if not json_lines:
        handle.seek(0)
        try:
            document = json.load(handle)
        except json.JSONDecodeError as exc:
            raise EvidenceError(source, exc.lineno, f"not valid JSON: {exc.msg}") from None
        for item in document if isinstance(document, list) else [document]:
            yield item, None
        return
    yield document, 1
    for lineno, line in enumerate(handle, start=2):
        if not line.strip():
            continue
        try:
            yield json.loads(line), lineno
        except json.JSONDecodeError as exc:
            raise EvidenceError(source, lineno, f"not valid JSON: {exc.msg}") from None


def load_otlp(path: Path, *, source: str | None = None) -> list[Trace]:
    """Load OTLP JSON traces; malformed spans raise EvidenceError (with the line for JSON lines)."""
    label = source or str(path)
    by_trace: dict[str, list[Span]] = {}
    with open_text(path, label) as handle:
        for request, line in _requests(handle, label):
            try:
                for span in _spans_of_request(request):
                    by_trace.setdefault(span.trace_id, []).append(span)
            except (_Bad, AttributeError, TypeError, ValueError) as exc:
                message = str(exc) if isinstance(exc, _Bad) else f"malformed OTLP structure ({exc})"
                raise EvidenceError(label, line, message) from None
    return [
        Trace(trace_id=trace_id, spans=sorted(spans, key=lambda s: (s.start_ns, s.span_id)), source=label)
        for trace_id, spans in by_trace.items()
    ]
