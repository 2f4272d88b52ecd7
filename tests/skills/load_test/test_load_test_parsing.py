"""Golden fixtures from real k6 1.1.0 runs: summaries in both formats -> one Baseline; progress lines."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from perfpilot.artifacts import Baseline
from perfpilot.evidence.k6_summary import load_k6_summary
from perfpilot.skills.load_test.k6_baseline import baseline_from_k6, endpoint_tags
from perfpilot.skills.load_test.progress import ProgressTracker, parse_elapsed

NAMES = {"GET /orders/${id}": "order detail", "GET /err": "broken", "GET /slow": "report"}


def test_both_summary_formats_give_the_golden_baseline(fixture_path: Callable[[str], Path]) -> None:
    expected = Baseline.model_validate_json(
        fixture_path("load_test/k6_handle_summary.baseline.json").read_text(encoding="utf-8")
    )
    for name in ("k6_handle_summary.json", "k6_summary_export.json"):
        summary = load_k6_summary(fixture_path(f"load_test/{name}"), source="k6")
        assert baseline_from_k6(summary, NAMES) == expected, name


def test_unmapped_tags_keep_their_tag_as_name(fixture_path: Callable[[str], Path]) -> None:
    summary = load_k6_summary(fixture_path("load_test/k6_handle_summary.json"), source="k6")
    baseline = baseline_from_k6(summary)
    assert sorted(e.name for e in baseline.endpoints) == sorted(endpoint_tags(summary)) == sorted(NAMES)
    assert sum(e.requests for e in baseline.endpoints) == baseline.overall.requests


def test_progress_lines_become_snapshots(fixture_path: Callable[[str], Path]) -> None:
    tracker = ProgressTracker()
    lines = fixture_path("load_test/k6_progress.txt").read_text(encoding="utf-8").splitlines()
    snapshots = [s for s in map(tracker.feed, lines) if s is not None]
    assert [(s.elapsed_s, s.complete, s.percent, s.rate_rps, s.scenario) for s in snapshots] == [
        (1.0, 39, 33, 40.0, "baseline"),
        (2.0, 76, 66, 40.0, "baseline"),
        (3.0, 118, 99, 40.0, "baseline"),
        (3.1, 121, 100, 40.0, "baseline"),
        (2.0, 40, 3, 20.0, "main"),
        (2.4, 48, 4, 20.0, "main"),
    ]
    assert snapshots[1].vus == 3 and snapshots[1].max_vus == 40


def test_elapsed_formats() -> None:
    assert parse_elapsed("01.0s") == 1.0
    assert parse_elapsed("0m02.4s") == 2.4
    assert parse_elapsed("1h02m03.5s") == 3723.5
