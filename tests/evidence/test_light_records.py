"""Light records for samples and joined series: the models the bundle keeps are the same as validated
ones, and the cyclic collector pause restores the collector's state."""

from __future__ import annotations

import gc
import math

from perfpilot.evidence.gc_pause import cyclic_gc_paused
from perfpilot.evidence.models import ExpositionSample, MetricSample, MetricSeries
from perfpilot.evidence.prometheus import parse_prometheus_text
from perfpilot.evidence.scrape_window import MetricBatch, join_series, window_sample

TEXT = """# TYPE req_total counter
req_total{route="/a"} 10
req_total{route="/b"} 4 1700000000000
# TYPE queue gauge
queue 3
"""


def test_the_parser_gives_light_records_with_its_own_labels() -> None:
    samples = parse_prometheus_text(TEXT, "m.prom")
    assert samples == [
        ExpositionSample("req_total", {"route": "/a"}, 10.0, None, "counter"),
        ExpositionSample("req_total", {"route": "/b"}, 4.0, 1700000000000, "counter"),
        ExpositionSample("queue", {}, 3.0, None, "gauge"),
    ]


def test_kept_models_equal_validated_ones_and_dump_the_same() -> None:
    samples = parse_prometheus_text(TEXT, "m.prom")
    batch = MetricBatch("m.prom", samples=samples, target_labels={"job": "shop"})
    series = join_series([batch])
    metrics = [window_sample(s) for s in series]
    expected = [
        MetricSample(name="req_total", labels={"job": "shop", "route": "/a"}, value=10.0, kind="counter"),
        MetricSample(
            name="req_total", labels={"job": "shop", "route": "/b"}, value=4.0, timestamp_ms=1700000000000,
            kind="counter",
        ),
        MetricSample(name="queue", labels={"job": "shop"}, value=3.0, kind="gauge"),
    ]
    assert metrics == expected
    assert [m.model_dump(exclude_unset=True) for m in metrics] == [
        m.model_dump(exclude_unset=True) | {"timestamp_ms": m.timestamp_ms} for m in expected
    ]
    timed = [s.model() for s in series if not math.isnan(s.points[0][0])]
    assert timed == [
        MetricSeries(
            name="req_total", labels={"job": "shop", "route": "/b"}, points=[(1700000000.0, 4.0)],
            kind="counter", sources=["m.prom"],
        )
    ]
    metrics[0].value = 11.0  # setting a field on one model leaves the others as they were
    assert metrics[1].value == 4.0 and metrics[1].model_fields_set == set(MetricSample.model_fields)


def test_cyclic_gc_pause_restores_the_collector_state() -> None:
    assert gc.isenabled()
    with cyclic_gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with cyclic_gc_paused():
            pass
        assert not gc.isenabled()  # it was off before: it stays off
    finally:
        gc.enable()
