"""Prometheus text-format loader and histogram quantiles."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from perfpilot.evidence.errors import EvidenceError
from perfpilot.evidence.histograms import histogram_quantile
from perfpilot.evidence.models import MetricSample
from perfpilot.evidence.prometheus import load_prometheus, parse_prometheus_text

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "evidence"

BAD_VALUE = "not Prometheus text format: could not convert string to float: 'abc'"


def test_snapshot_samples_labels_and_special_values() -> None:
    samples = load_prometheus(FIXTURES / "metrics.prom")
    text = (FIXTURES / "metrics.prom").read_text()
    sample_lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    assert len(samples) == len(sample_lines)
    by_name = {(s.name, tuple(sorted(s.labels.items()))): s for s in samples}
    search = next(s for s in samples if s.labels.get("route") == "/search")
    assert search.labels["query"] == 'say "hi" \\ path\nnext'
    assert by_name[("process_resident_memory_bytes", ())].value == 87719168.0
    checkout = next(s for s in samples if s.labels.get("route") == "/checkout")
    assert checkout.timestamp_ms == 1732802400000
    assert math.isnan(next(s for s in samples if s.labels.get("quantile") == "0.99").value)
    extremes = {s.labels["kind"]: s.value for s in samples if s.name == "temperature_extremes"}
    assert extremes == {"max": math.inf, "min": -math.inf}
    buckets = [s for s in samples if s.name == "http_request_duration_seconds_bucket"]
    assert [b.labels["le"] for b in buckets][-1] == "+Inf"


def test_malformed_value_names_file_and_line() -> None:
    with pytest.raises(EvidenceError) as caught:
        load_prometheus(FIXTURES / "metrics-bad.prom", source="metrics.prom")
    assert caught.value.line == 17
    assert str(caught.value) == f"metrics.prom:17: {BAD_VALUE}"


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [  # what prometheus_client's parser rejects, at the line it had reached
        ('ok 1\nm{a="b" 1\n', 2, "could not convert string to float: '{a=\"b\"'"),
        ("ok 1\n# TYPE m sometimes\n", 2, "Invalid metric type: sometimes"),
        ("ok 1\nok 2\nm 1 notatime\n", 3, "could not convert string to float: 'notatime'"),
        ('m{a="1",a="2"} 1\n', 1, "Invalid labels"),
        ("m 1_000\n", 1, "Invalid value: '1_000'"),
        ("9lives 1\n", 1, "invalid metric name"),
    ],
)
def test_malformed_lines(text: str, line: int, fragment: str) -> None:
    with pytest.raises(EvidenceError) as caught:
        parse_prometheus_text(text, "live")
    assert caught.value.line == line
    assert fragment in caught.value.message


def _histogram(counts: dict[str, float], route: str = "/a") -> list[MetricSample]:
    return [
        MetricSample(name="h_bucket", labels={"le": le, "route": route}, value=v) for le, v in counts.items()
    ]


def test_histogram_quantile_interpolates_inside_the_bucket() -> None:
    samples = _histogram({"0.1": 20, "0.2": 60, "0.4": 100, "+Inf": 100})
    # rank 50 of 100 lies in (0.1, 0.2]: 30 of that bucket's 40 observations -> 0.1 + 0.1 * 30/40
    assert histogram_quantile(samples, "h", 0.5) == pytest.approx(0.175)
    # rank 95 in (0.2, 0.4]: 35 of 40 -> 0.2 + 0.2 * 35/40
    assert histogram_quantile(samples, "h", 0.95) == pytest.approx(0.375)


def test_histogram_quantile_in_inf_bucket_returns_highest_finite_bound() -> None:
    samples = _histogram({"0.1": 10, "1": 50, "+Inf": 100})
    assert histogram_quantile(samples, "h", 0.99) == 1.0


def test_histogram_quantile_sums_unmatched_labels_and_filters_matched() -> None:
    samples = _histogram({"1": 100, "2": 100, "+Inf": 100}, "/a") + _histogram(
        {"1": 0, "2": 100, "+Inf": 100}, "/b"
    )
    assert histogram_quantile(samples, "h", 0.5, {"route": "/a"}) == pytest.approx(0.5)
    assert histogram_quantile(samples, "h", 0.5, {"route": "/b"}) == pytest.approx(1.5)
    assert histogram_quantile(samples, "h", 0.5) == pytest.approx(1.0)


def test_histogram_quantile_without_data_is_none() -> None:
    assert histogram_quantile([], "h", 0.5) is None
    assert histogram_quantile(_histogram({"0.1": 0, "+Inf": 0}), "h", 0.5) is None
    assert histogram_quantile(_histogram({"0.1": 5, "1": 9}), "h", 0.5) is None  # no +Inf bucket


def test_histogram_quantile_of_fixture_route() -> None:
    samples = load_prometheus(FIXTURES / "metrics.prom")
    p95 = histogram_quantile(samples, "http_request_duration_seconds", 0.95, {"route": "/orders/{id}"})
    # rank 8698.2 of 9156 falls in (0.25, 0.5] holding 1000: 0.25 + 0.25 * (8698.2 - 7900) / 1000
    assert p95 == pytest.approx(0.25 + 0.25 * (0.95 * 9156 - 7900) / 1000)


def test_openmetrics_from_prometheus_client_is_read_with_its_types() -> None:
    from prometheus_client import CollectorRegistry, Counter, Histogram
    from prometheus_client.openmetrics.exposition import generate_latest

    registry = CollectorRegistry()
    requests = Counter("jobs", "Jobs done.", ["queue"], registry=registry)
    latency = Histogram("job_seconds", "Job time.", buckets=(0.1, 1.0), registry=registry)
    requests.labels(queue="mail").inc(7)
    for seconds in (0.05, 0.5, 0.7, 3.0):
        latency.observe(seconds)
    text = generate_latest(registry).decode()
    assert text.rstrip().endswith("# EOF")
    samples = {(s.name, tuple(sorted(s.labels.items()))): s for s in parse_prometheus_text(text, "om")}
    jobs = samples[("jobs_total", (("queue", "mail"),))]
    assert (jobs.value, jobs.kind) == (7, "counter")
    assert samples[("job_seconds_bucket", (("le", "1.0"),))].value == 3
    assert samples[("job_seconds_count", ())].value == 4
    assert samples[("job_seconds_sum", ())].kind == "histogram"
    # rank 2 of 4 falls in (0.1, 1.0], holding 2: 0.1 + 0.9 * (2 - 1) / 2
    assert histogram_quantile(list(samples.values()), "job_seconds", 0.5) == pytest.approx(0.55)


def test_openmetrics_errors_say_so() -> None:
    with pytest.raises(EvidenceError) as caught:
        parse_prometheus_text("# TYPE a gauge\na 1 2 3\n# EOF\n", "om")
    assert (caught.value.line, caught.value.message) == (2, "not OpenMetrics: Invalid line: 2 3")
