"""k6 summary loader: both JSON shapes, checked against real k6 1.x output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from perfpilot.evidence.errors import EvidenceError
from perfpilot.evidence.k6_summary import find_metric, load_k6_summary, split_metric_name

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "evidence"


def test_split_metric_name_with_braces_in_tag_value() -> None:
    assert split_metric_name("http_req_duration{name:GET /orders/{id},expected_response:true}") == (
        "http_req_duration",
        {"name": "GET /orders/{id}", "expected_response": "true"},
    )
    assert split_metric_name("vus") == ("vus", {})


@pytest.mark.parametrize("fixture", ["k6-summary-export.json", "k6-handle-summary.json"])
def test_both_shapes_load_the_same_values(fixture: str) -> None:
    raw = json.loads((FIXTURES / fixture).read_text())["metrics"]
    summary = load_k6_summary(FIXTURES / fixture)
    assert len(summary.metrics) == len(raw)
    tagged = find_metric(summary, "http_req_duration", {"name": "GET /orders/{id}"})
    assert tagged is not None and tagged.type == "trend"
    key = "http_req_duration{name:GET /orders/{id}}"
    expected = raw[key].get("values", raw[key])["p(95)"]
    assert tagged.values["p(95)"] == expected
    failed = summary.metric("http_req_failed")
    assert failed is not None and failed.type == "rate"
    passes, fails = failed.values["passes"], failed.values["fails"]
    assert failed.values["rate"] == pytest.approx(passes / (passes + fails))
    vus = summary.metric("vus")
    assert vus is not None and vus.type == "gauge" and vus.values["value"] == 3
    reqs = summary.metric("http_reqs")
    assert reqs is not None and reqs.type == "counter" and reqs.values["count"] > 0
    assert summary.duration_s == pytest.approx(2.0, abs=0.2)


def test_truncated_summary_names_line() -> None:
    with pytest.raises(EvidenceError) as caught:
        load_k6_summary(FIXTURES / "k6-bad.json", source="k6.json")
    assert caught.value.line is not None and caught.value.line >= 3
    assert "not valid JSON" in str(caught.value)


def test_not_a_summary(tmp_path: Path) -> None:
    path = tmp_path / "k6.json"
    path.write_text('{"root_group": {}}')
    with pytest.raises(EvidenceError, match="no 'metrics'"):
        load_k6_summary(path)
