"""k6 time-resolved output (--out json= / --out csv=, gzipped) -> windows of load and latency; summaries'
crossed thresholds in both summary formats; load-test entries of target.yaml."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from perfpilot.evidence.errors import EvidenceError
from perfpilot.evidence.k6_summary import load_k6_summary
from perfpilot.evidence.k6_timeseries import load_k6_timeseries
from perfpilot.evidence.load import load_evidence
from perfpilot.target.spec import EvidenceSources, LoadTestSource, Target

K6 = Path(__file__).resolve().parents[1] / "fixtures" / "k6"


def test_stress_json_output_is_bucketed_per_second() -> None:
    timeline = load_k6_timeseries(K6 / "stress-timeseries.json.gz", source="stress")
    assert timeline.window_s == 1.0
    assert len(timeline.windows) == 41
    assert sum(w.requests for w in timeline.windows) == 2195  # the summary's http_reqs count
    first, broken = timeline.windows[0], timeline.windows[21]
    assert (first.requests, first.vus, first.error_rate) == (12, 1.0, 0.0)
    assert first.p95_ms == pytest.approx(44.1, abs=0.05)
    assert (broken.start_s, broken.rps, broken.vus, broken.error_rate) == (21.0, 56.0, 14.0, 0.125)
    assert broken.p95_ms == pytest.approx(282.6, abs=0.05)


def test_baseline_csv_output_uses_longer_windows_for_a_light_load() -> None:
    timeline = load_k6_timeseries(K6 / "baseline-timeseries.csv.gz", source="baseline")
    assert timeline.window_s == 2.0  # 20 req/s: 2 s holds the 40 requests a p95 needs
    assert sum(w.requests for w in timeline.windows) == 401
    assert [w.rps for w in timeline.windows[1:10]] == [20.0] * 9
    assert all(w.error_rate == 0.0 for w in timeline.windows)


def test_plain_csv_with_millisecond_timestamps(tmp_path: Path) -> None:
    path = tmp_path / "run.csv"
    rows = ["metric_name,timestamp,metric_value,status"]
    for i in range(80):
        at = 1_700_000_000_000 + i * 25  # 40 req/s for 2 s, in unix milliseconds
        rows += [
            f"http_reqs,{at},1,200",
            f"http_req_duration,{at},{10 + i},200",
            f"http_req_failed,{at},0,200",
        ]
    path.write_text("\n".join(rows) + "\n")
    timeline = load_k6_timeseries(path)
    assert timeline.window_s == 1.0
    assert [w.requests for w in timeline.windows] == [40, 40]
    assert timeline.windows[0].p95_ms == 47.0  # the 38th of 10..49 (nearest rank, ceil(0.95 * 40))


def test_bad_json_line_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "out.json.gz"
    with gzip.open(path, "wt") as handle:
        handle.write(
            '{"type":"Point","metric":"http_reqs","data":{"time":"2026-01-01T00:00:00Z","value":1}}\n'
        )
        handle.write('{"type":"Point","metric":"http_reqs","data":{"time":"yesterday","value":1}}\n')
    with pytest.raises(EvidenceError) as raised:
        load_k6_timeseries(path, source="out.json.gz")
    assert (raised.value.source, raised.value.line) == ("out.json.gz", 2)


def test_csv_without_k6_columns_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(EvidenceError, match="no column metric_name"):
        load_k6_timeseries(path)


def test_thresholds_in_both_summary_formats() -> None:
    exported = load_k6_summary(K6 / "baseline-summary.json")  # --summary-export: true means crossed
    assert [(t.metric, t.expression, t.ok) for t in exported.thresholds] == [
        ("http_req_duration", "p(95)<200", True),
        ("http_req_failed", "rate<0.01", True),
    ]
    handled = load_k6_summary(K6 / "stress-summary.json")  # handleSummary: {"ok": false}
    assert [(t.metric, t.expression, t.ok) for t in handled.thresholds] == [
        ("http_req_duration", "p(95)<200", False),
        ("http_req_failed", "rate<0.01", False),
    ]


def test_stage_targets_when_the_summary_carries_its_options(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text(
        '{"metrics": {}, "options": {"scenarios": {"s": {"stages": [{"duration": "1m", "target": 10},'
        ' {"duration": "1m", "target": 50}]}}}}'
    )
    assert load_k6_summary(path).stage_targets == [10.0, 50.0]


def test_load_test_entries_carry_role_timeseries_and_servers(tmp_path: Path) -> None:
    target = Target(
        name="t",
        evidence=EvidenceSources(
            load_tests=[
                K6 / "baseline-summary.json",
                LoadTestSource(
                    path=K6 / "stress-summary.json",
                    role="stress",
                    timeseries=K6 / "stress-timeseries.json.gz",
                    processes=2,
                    served_by="app",
                ),
                LoadTestSource(path=K6 / "stress-summary.json", timeseries=tmp_path / "missing.json"),
            ]
        ),
    )
    bundle = load_evidence(target)
    plain, stress, without_series = bundle.load_tests
    assert (plain.role, plain.timeline) == (None, None)
    assert (stress.role, stress.processes, stress.served_by) == ("stress", 2, "app")
    assert stress.timeline is not None and len(stress.timeline.windows) == 41
    assert without_series.timeline is None
    [skipped] = bundle.skipped
    assert skipped.source.endswith("missing.json") and "cannot read" in skipped.reason
