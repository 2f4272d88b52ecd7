"""The shared OTLP JSON reader: document vs JSON lines, the span walk and typed values."""

from __future__ import annotations

import json

import pytest

from perfpilot.otlp_json import (
    OtlpFormatError,
    OtlpJsonError,
    attributes,
    hex_id,
    raw_spans,
    read_requests,
    span_kind,
    span_status,
)

SERVICE = {"key": "service.name", "value": {"stringValue": "api"}}
REQUEST = {"resourceSpans": [{"resource": {"attributes": [SERVICE]},
                              "scopeSpans": [{"spans": [{"spanId": "01"}, {"spanId": "02"}]}]}]}


def test_json_lines_start_with_an_object_and_bad_lines_go_to_the_callback() -> None:
    bad: list[tuple[int, str]] = []
    lines = ["\n", json.dumps(REQUEST) + "\n", "{broken\n", "\n", json.dumps(REQUEST) + "\n"]
    requests = list(read_requests(lines, on_bad_line=lambda line, message: bad.append((line, message))))
    assert [(r.line, r.json_lines) for r in requests] == [(2, True), (5, True)]
    assert [line for line, _ in bad] == [3]


def test_bad_json_line_raises_without_a_callback() -> None:
    with pytest.raises(OtlpJsonError) as caught:
        list(read_requests([json.dumps(REQUEST) + "\n", "{broken\n"]))
    assert caught.value.line == 2


def test_a_document_may_be_pretty_printed_or_a_list_of_requests() -> None:
    pretty = json.dumps(REQUEST, indent=1).splitlines(keepends=True)
    (request,) = read_requests(["\n", *pretty])
    assert request.body == REQUEST and (request.line, request.json_lines) == (2, False)
    assert [r.body for r in read_requests([json.dumps([REQUEST, REQUEST])])] == [REQUEST, REQUEST]
    with pytest.raises(OtlpJsonError) as caught:
        list(read_requests(["{\n", '  "resourceSpans": [\n', "oops\n"]))
    assert caught.value.line == 3


def test_span_walk_carries_resource_attributes_and_rejects_bad_structure() -> None:
    spans = list(raw_spans(REQUEST))
    assert [s.fields["spanId"] for s in spans] == ["01", "02"]
    assert spans[0].resource == {"service.name": "api"}
    assert list(raw_spans({})) == []
    with pytest.raises(OtlpFormatError, match="resourceSpans"):
        list(raw_spans({"resourceSpans": {}}))
    with pytest.raises(OtlpFormatError, match="span must be an object"):
        list(raw_spans({"resourceSpans": [{"scopeSpans": [{"spans": [3]}]}]}))


def test_typed_values_ids_kinds_and_statuses() -> None:
    raw = [{"key": "n", "value": {"intValue": "7"}}, {"key": "m", "value": {"kvlistValue": {"values": [
        {"key": "x", "value": {"doubleValue": 0.5}}]}}}]
    assert attributes(raw) == {"n": 7, "m": {"x": 0.5}}
    assert hex_id("AQIDBAUGBwg=", "spanId") == "0102030405060708" and hex_id("ABCD", "t") == "abcd"
    assert span_kind(3) == "client" and span_kind("SPAN_KIND_SERVER") == "server"
    assert span_kind(None) == "unspecified"
    with pytest.raises(OtlpFormatError, match="unknown span kind"):
        span_kind(9)
    assert span_status({"code": "STATUS_CODE_ERROR", "message": "boom"}) == ("error", "boom")
    assert span_status({"code": 1}) == ("ok", "") and span_status({}) == ("unset", "")
