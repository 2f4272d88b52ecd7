"""Counter increase through resets, which samples count as cumulative, and scrape times in the target."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from perfpilot.evidence.counters import increase, interval_rates, is_cumulative
from perfpilot.evidence.models import MetricSample, MetricSeries
from perfpilot.evidence.scrape_window import MetricBatch, join_series, window_sample
from perfpilot.target.spec import MetricsSource


def test_increase_counts_through_a_restart() -> None:
    # 100 -> 130 (+30), restart to 5 (+5 since the restart), -> 25 (+20)
    grown = increase([(0, 100), (10, 130), (20, 5), (30, 25)])
    assert grown is not None and (grown.value, grown.seconds, grown.resets) == (55, 30, 1)
    assert grown.rate == pytest.approx(55 / 30)


def test_one_point_has_no_increase_and_a_zero_window_no_rate() -> None:
    assert increase([(0, 100)]) is None
    same_time = increase([(5, 1), (5, 2)])
    assert same_time is not None and same_time.rate is None


@pytest.mark.parametrize(
    ("name", "kind", "cumulative"),
    [
        ("http_requests_total", "counter", True),
        ("http_requests_created", "counter", False),
        ("h_bucket", "histogram", True),
        ("h_sum", "summary", True),
        ("s", "summary", False),  # a quantile
        ("node_load1", "gauge", False),
        ("x_total", "untyped", True),
        ("x_bytes", "untyped", False),
    ],
)
def test_which_samples_are_cumulative(name: str, kind: str, cumulative: bool) -> None:
    assert is_cumulative(name, kind) is cumulative  # type: ignore[arg-type]


def test_scrapes_join_by_labels_and_time_and_a_gauge_keeps_its_latest() -> None:
    def batch(at: float, requests: float, queue: float, instance: str) -> MetricBatch:
        samples = [
            MetricSample(name="req_total", value=requests, kind="counter"),
            MetricSample(name="queue", value=queue, kind="gauge"),
        ]
        return MetricBatch(
            f"{instance}-{at}.prom", samples=samples, scraped_at=at, target_labels={"instance": instance}
        )

    series = join_series([batch(0, 10, 3, "a"), batch(60, 70, 1, "a"), batch(30, 500, 9, "b")])
    by_key = {(s.name, s.labels["instance"]): window_sample(s).value for s in series}
    assert by_key == {("req_total", "a"): 60, ("queue", "a"): 1, ("req_total", "b"): 500, ("queue", "b"): 9}


def test_scraped_at_reads_iso_and_unix_seconds_as_utc(tmp_path: Path) -> None:
    iso = MetricsSource(path=tmp_path / "m.prom", scraped_at="2026-12-06T16:40:09")  # type: ignore[arg-type]
    unix = MetricsSource(path=tmp_path / "m.prom", scraped_at=1796575209)  # type: ignore[arg-type]
    assert iso.scraped_at == datetime(2026, 12, 6, 16, 40, 9, tzinfo=UTC)
    assert unix.scraped_at is not None and unix.scraped_at.timestamp() == 1796575209


def test_a_series_without_points_is_left_out() -> None:
    empty = MetricSeries(name="up", labels={"job": "x"}, points=[])
    assert join_series([MetricBatch("q.json", series=[empty])]) == []


def test_interval_rates_difference_each_pair_of_scrapes_through_a_restart() -> None:
    rates = interval_rates([(0, 100), (10, 130), (20, 5), (20, 6), (40, 25)])
    assert rates == [(10, 3.0), (20, 0.5), (40, 0.95)]  # (20, 5) -> (20, 6) has no length: skipped
