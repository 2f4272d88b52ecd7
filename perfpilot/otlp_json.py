"""OTLP JSON trace exports read once for everyone: documents or JSON lines, the span walk, typed field values.

Evidence (perfpilot.evidence.otlp) builds Span records from it; the workload digest
(perfpilot.workload.formats.otlp) takes database statements from it. Stdlib only, so importing it stays cheap.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

SpanKind = Literal["unspecified", "internal", "server", "client", "producer", "consumer"]
StatusCode = Literal["unset", "ok", "error"]
AttrValue = str | int | float | bool

_KINDS: tuple[SpanKind, ...] = ("unspecified", "internal", "server", "client", "producer", "consumer")
_STATUSES: tuple[StatusCode, ...] = ("unset", "ok", "error")
_HEX = frozenset("0123456789abcdefABCDEF")


class OtlpFormatError(ValueError):
    """A malformed OTLP field or structure; the caller adds the file and line."""


class OtlpJsonError(ValueError):
    """Text that is not JSON, at `line` of the file."""

    def __init__(self, line: int, message: str) -> None:
        self.line = line
        self.message = message
        super().__init__(f"line {line}: {message}")


class ExportRequest(NamedTuple):
    """One decoded export request and the line it starts on (`json_lines`: one request per line)."""

    body: Any
    line: int
    json_lines: bool


@dataclass(frozen=True, slots=True)
class RawSpan:
    """A span object as exported, with its resource's decoded attributes."""

    fields: dict[str, Any]
    resource: dict[str, Any]


def read_requests(
    lines: Iterable[str], on_bad_line: Callable[[int, str], None] | None = None
) -> Iterator[ExportRequest]:
    """Export requests from JSON lines (the first non-blank line is a JSON object) or one JSON document.

    A document may hold one request or a list of them. A document that is not JSON raises OtlpJsonError;
    so does a JSON line that is not JSON, unless `on_bad_line(line, message)` takes it (and it is skipped).
    """
    iterator = iter(lines)
    head: list[str] = []
    for text in iterator:
        head.append(text)
        if text.strip():
            break
    else:
        return
    first_line = len(head)
    try:
        first = json.loads(head[-1])
    except json.JSONDecodeError:
        first = None
    if not isinstance(first, dict):
        try:
            document = json.loads("".join(head) + "".join(iterator))
        except json.JSONDecodeError as exc:
            raise OtlpJsonError(exc.lineno, exc.msg) from None
        for body in document if isinstance(document, list) else [document]:
            yield ExportRequest(body, first_line, json_lines=False)
        return
    yield ExportRequest(first, first_line, json_lines=True)
    for line, text in enumerate(iterator, start=first_line + 1):
        if not text.strip():
            continue
        try:
            body = json.loads(text)
        except json.JSONDecodeError as exc:
            if on_bad_line is None:
                raise OtlpJsonError(line, exc.msg) from None
            on_bad_line(line, exc.msg)
            continue
        yield ExportRequest(body, line, json_lines=True)


def _list(value: Any, field: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise OtlpFormatError(f"{field} must be a list")
    return value


def _object(value: Any, field: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise OtlpFormatError(f"{field} must be an object")
    return value


def raw_spans(request: Any) -> Iterator[RawSpan]:
    """Every span of an export request: resourceSpans -> scopeSpans (instrumentationLibrarySpans) -> spans."""
    if not isinstance(request, dict) or not isinstance(request.get("resourceSpans", []), list):
        raise OtlpFormatError("expected an OTLP export request with 'resourceSpans'")
    for resource_spans in _list(request.get("resourceSpans"), "resourceSpans"):
        resource_spans = _object(resource_spans, "resourceSpans[]")
        resource = _object(resource_spans.get("resource"), "resource")
        resource_attributes = attributes(resource.get("attributes"))
        scopes = resource_spans.get("scopeSpans") or resource_spans.get("instrumentationLibrarySpans")
        for scope in _list(scopes, "scopeSpans"):
            for span in _list(_object(scope, "scopeSpans[]").get("spans"), "spans"):
                if not isinstance(span, dict):
                    raise OtlpFormatError("span must be an object")
                yield RawSpan(span, resource_attributes)


def any_value(value: Any) -> Any:
    """An OTLP AnyValue as Python: str, bool, int, float, list or dict (bytes stay as exported)."""
    if not isinstance(value, dict):
        raise OtlpFormatError(f"attribute value must be an object, got {value!r}")
    if "stringValue" in value:
        return str(value["stringValue"])
    if "boolValue" in value:
        return bool(value["boolValue"])
    if "intValue" in value:
        return int(value["intValue"])
    if "doubleValue" in value:
        return float(value["doubleValue"])
    if "arrayValue" in value:
        return [any_value(v) for v in _object(value["arrayValue"], "arrayValue").get("values", [])]
    if "kvlistValue" in value:
        return attributes(_object(value["kvlistValue"], "kvlistValue").get("values", []))
    if "bytesValue" in value:
        return str(value["bytesValue"])
    return ""


def attributes(raw: Any) -> dict[str, Any]:
    """A list of {key, value} as a dict of decoded values."""
    if raw is None:
        return {}
    if not isinstance(raw, list):
        raise OtlpFormatError("attributes must be a list of {key, value}")
    result: dict[str, Any] = {}
    for item in raw:
        if not isinstance(item, dict) or "key" not in item:
            raise OtlpFormatError(f"attribute without a key: {item!r}")
        result[str(item["key"])] = any_value(item.get("value", {}))
    return result


def flat_value(value: Any) -> AttrValue:
    """A scalar as it is; a list or dict as compact JSON text."""
    return value if isinstance(value, str | int | float | bool) else json.dumps(value, separators=(",", ":"))


def flat_attributes(raw: Any) -> dict[str, AttrValue]:
    """Decoded attributes with lists and dicts flattened to JSON text."""
    return {key: flat_value(value) for key, value in attributes(raw).items()}


def hex_id(value: Any, field: str) -> str:
    """A trace or span id as lower-case hex (OTLP JSON writes hex, protobuf's JSON mapping base64)."""
    if not isinstance(value, str) or not value:
        raise OtlpFormatError(f"{field} must be a non-empty hex string")
    if set(value) <= _HEX:
        return value.lower()
    try:
        return base64.b64decode(value, validate=True).hex()
    except (binascii.Error, ValueError):
        raise OtlpFormatError(f"{field} is neither hex nor base64: {value!r}") from None


def optional_hex_id(value: Any, field: str) -> str | None:
    """hex_id, with a missing or empty id as None (a root span's parent)."""
    return None if value in (None, "") else hex_id(value, field)


def span_kind(raw: Any) -> SpanKind:
    """SpanKind from its number or its enum name (SPAN_KIND_CLIENT); missing is unspecified."""
    if raw is None:
        return "unspecified"
    if isinstance(raw, int) and 0 <= raw < len(_KINDS):
        return _KINDS[raw]
    if isinstance(raw, str):
        name = raw.removeprefix("SPAN_KIND_").lower()
        for kind in _KINDS:
            if kind == name:
                return kind
    raise OtlpFormatError(f"unknown span kind {raw!r}")


def nanos(raw: Any, field: str) -> int:
    """A UnixNano timestamp (a number, or a string as int64 is written in JSON)."""
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise OtlpFormatError(f"{field} must be an integer of nanoseconds, got {raw!r}") from None


def span_status(raw: Any) -> tuple[StatusCode, str]:
    """(code, message) of a span's status; a missing or unrecognised code is unset."""
    if not isinstance(raw, dict):
        return "unset", ""
    code = raw.get("code")
    message = str(raw.get("message") or "")
    if isinstance(code, str) and code.isdigit():
        code = int(code)
    if isinstance(code, int) and 0 <= code < len(_STATUSES):
        return _STATUSES[code], message
    if isinstance(code, str):
        name = code.removeprefix("STATUS_CODE_").lower()
        for status in _STATUSES:
            if status == name:
                return status, message
    return "unset", message
