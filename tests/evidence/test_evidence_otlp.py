"""OTLP JSON trace loader: collector JSON lines and single documents."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from perfpilot.evidence.errors import EvidenceError
from perfpilot.evidence.otlp import load_otlp

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "evidence"


def test_collector_json_lines_group_spans_by_trace_across_lines() -> None:
    traces = {t.trace_id: t for t in load_otlp(FIXTURES / "traces-collector.jsonl", source="t.jsonl")}
    first = traces["5b8efff798038103d269b633813fc60c"]
    assert [s.span_id for s in first.spans] == ["eee19b7ec3c1b173", "a1b2c3d4e5f60718", "a1b2c3d4e5f60719"]
    assert first.root.name == "GET /orders/{id}" and first.root.kind == "server"
    assert first.root.service == "checkout-api" and first.source == "t.jsonl"
    assert first.root.attributes["http.response.status_code"] == 200
    db = first.spans[1]
    assert db.kind == "client" and db.parent_span_id == "eee19b7ec3c1b173"
    assert db.duration_ms == pytest.approx(148.0)
    assert first.spans[2].attributes["db.rows"] == 3.5
    assert not any(s.error for s in first.spans)
    assert traces["eee19b7ec3c1b174a5b7c1f2a3a41b6e"].root.error


def test_legacy_single_document_with_string_enums_and_base64_ids() -> None:
    (trace,) = load_otlp(FIXTURES / "traces-legacy.json")
    (span,) = trace.spans
    assert trace.trace_id == "eee19b7ec3c1b174a5b7c1f2a3a41b6e"
    assert span.parent_span_id == "0102030405060708"
    assert span.kind == "client" and span.error and span.service == "inventory"
    assert span.duration_ms == pytest.approx(1050.0)
    assert json.loads(str(span.attributes["tags"])) == ["a", 2]
    assert span.attributes["retry"] is True


def test_truncated_json_line_names_line() -> None:
    with pytest.raises(EvidenceError) as caught:
        load_otlp(FIXTURES / "traces-bad.jsonl", source="traces.jsonl")
    assert caught.value.line == 2
    assert str(caught.value).startswith("traces.jsonl:2: not valid JSON")


def test_span_without_trace_id_names_line(tmp_path: Path) -> None:
    good = (FIXTURES / "traces-collector.jsonl").read_text().splitlines()[0]
    bad = good.replace('"traceId":"5b8efff798038103d269b633813fc60c",', "", 1)
    path = tmp_path / "t.jsonl"
    path.write_text(f"{good}\n\n{bad}\n")
    with pytest.raises(EvidenceError) as caught:
        load_otlp(path)
    assert caught.value.line == 3 and "traceId" in caught.value.message


def test_unknown_kind_in_single_document(tmp_path: Path) -> None:
    doc = json.loads((FIXTURES / "traces-legacy.json").read_text())
    doc["resourceSpans"][0]["instrumentationLibrarySpans"][0]["spans"][0]["kind"] = "SPAN_KIND_SIDEWAYS"
    path = tmp_path / "t.json"
    path.write_text(json.dumps(doc, indent=1))
    with pytest.raises(EvidenceError, match="unknown span kind"):
        load_otlp(path)


def test_span_keeps_status_message_and_resource_attributes() -> None:
    traces = {t.trace_id: t for t in load_otlp(FIXTURES / "traces-collector.jsonl")}
    failed = traces["eee19b7ec3c1b174a5b7c1f2a3a41b6e"].root
    assert (failed.status, failed.status_message) == ("error", "upstream timeout")
    ok = traces["5b8efff798038103d269b633813fc60c"].root
    assert (ok.status, ok.status_message, ok.error) == ("unset", "", False)
    assert ok.resource["service.version"] == "1.4.2" and ok.resource["service.name"] == "checkout-api"
