"""The metrics-cap generator writes real exposition format: labelled counters and full histograms."""

from __future__ import annotations

from pathlib import Path

from benchmarks.metrics_cap import counter_exposition, histogram_exposition, write_target
from perfpilot.evidence import load_evidence
from perfpilot.evidence.prometheus import parse_prometheus_text
from perfpilot.target import load_target


def test_counter_exposition_is_labelled_counter_samples_up_to_the_size() -> None:
    text = counter_exposition(4096)
    assert 4096 - 80 < len(text) <= 4096 and text.endswith("\n")
    samples = parse_prometheus_text(text, "counters")
    assert {s.kind for s in samples} == {"counter"}
    assert samples[0].name == "http_requests_total" and samples[0].labels == {"route": "/r0", "code": "200"}
    assert samples[6].labels == {"route": "/r1", "code": "300"}
    assert len({tuple(sorted(s.labels.items())) for s in samples}) == len(samples)


def test_histogram_exposition_has_every_bucket_then_sum_and_count() -> None:
    samples = parse_prometheus_text(histogram_exposition(8192), "histograms")
    first = [s for s in samples if s.labels.get("route") == "/api/v1/items/0" and s.labels["method"] == "GET"]
    assert [s.name.rsplit("_", 1)[-1] for s in first] == ["bucket"] * 11 + ["sum", "count"]
    assert [s.labels.get("le") for s in first][-3:] == ["+Inf", None, None]
    assert first[10].value == first[12].value == 1000  # +Inf bucket = count
    assert {s.kind for s in samples} == {"histogram"}


def test_the_written_target_loads_one_metric_per_series(tmp_path: Path) -> None:
    target = write_target(tmp_path, counter_exposition(2048))
    bundle = load_evidence(load_target(target), live=False)
    assert not bundle.skipped
    lines = [ln for ln in (tmp_path / "metrics.prom").read_text().splitlines() if not ln.startswith("#")]
    assert len(bundle.metrics) == len(lines) and bundle.series == []
