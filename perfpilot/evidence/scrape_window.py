"""Join metrics from several files or scrapes into time series, and read them over the scrape window.

A sample's time is its own exposition timestamp (as /federate writes), else its source's `scraped_at`.
Timed samples of the same name and labels (`instance` and `job` included) are points of one series,
whichever file they came from. A source without any time is one scrape on its own: its series are
never joined with another source's, since nothing says when it was taken.

An exposition at the size cap holds ~300,000 series, so series are joined as light slotted records and
become models only where the bundle keeps them: a MetricSample per series, a MetricSeries per timed one.
Those are built with model_construct from values the parser already validated, all sharing one fields-set
(a pydantic model otherwise carries a ~700-byte set of its own): ~250 bytes a model instead of ~1 KiB,
and no copy of the labels.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from perfpilot.evidence.counters import increase, is_cumulative
from perfpilot.evidence.models import MetricKind, MetricSample, MetricSeries, SampleFields, SeriesFields
from perfpilot.evidence.window_models import SINGLE_SCRAPE_NOTE, ScrapeWindow

UNTIMED = math.nan
_SAMPLE_FIELDS = set(MetricSample.model_fields)
_SERIES_FIELDS = set(MetricSeries.model_fields)
"""Shared by every model built here: each is built with all its fields, and setting a field only adds a
name already in the set."""


@dataclass
class MetricBatch:
    """What one metrics source gave, with its scrape time and the target labels it stands for."""

    source: str
    samples: Sequence[SampleFields] = field(default_factory=list)
    series: list[MetricSeries] = field(default_factory=list)
    scraped_at: float | None = None
    target_labels: dict[str, str] = field(default_factory=dict)


def _labelled(labels: dict[str, str], target_labels: dict[str, str]) -> dict[str, str]:
    """Add the source's instance/job where the sample has none, as a Prometheus scrape would."""
    if not any(target_labels.values()):
        return labels
    return {**{k: v for k, v in target_labels.items() if v}, **labels}


@dataclass(slots=True)
class JoinedSeries:
    """A series while the loader reads it (the fields of MetricSeries, without a model's weight)."""

    name: str
    labels: dict[str, str]
    kind: MetricKind
    points: list[tuple[float, float]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    def model(self) -> MetricSeries:
        """The series as the bundle keeps it (sharing this one's labels, points and sources)."""
        return MetricSeries.model_construct(
            _SERIES_FIELDS,
            name=self.name,
            labels=self.labels,
            points=self.points,
            kind=self.kind,
            sources=self.sources,
        )


def join_series(batches: list[MetricBatch]) -> list[JoinedSeries]:
    """Every series over all batches. Untimed series hold one point at time NaN and stay per source."""
    joined: dict[tuple[object, ...], JoinedSeries] = {}
    stamps: dict[tuple[object, ...], set[float]] = {}  # timed series only: an untimed one has one point
    for batch in batches:
        for sample in batch.samples:
            labels = _labelled(sample.labels, batch.target_labels)
            stamp = sample.timestamp_ms / 1000 if sample.timestamp_ms is not None else batch.scraped_at
            untimed_source = batch.source if stamp is None else None
            key = (sample.name, tuple(sorted(labels.items())), untimed_source)
            one = joined.get(key)
            if one is None:
                one = joined[key] = JoinedSeries(sample.name, labels, sample.kind)
            if stamp is None:
                if not one.points:  # a repeated sample within one untimed file: the first one stands
                    one.points.append((UNTIMED, sample.value))
                    one.sources.append(batch.source)
                continue
            _add_point(one, stamps.setdefault(key, set()), stamp, sample.value, batch.source)
        for series in batch.series:
            labels = _labelled(series.labels, batch.target_labels)
            key = (series.name, tuple(sorted(labels.items())), None)
            one = joined.get(key)
            if one is None:
                one = joined[key] = JoinedSeries(series.name, dict(labels), series.kind)
            for stamp, value in series.points:
                _add_point(one, stamps.setdefault(key, set()), stamp, value, batch.source)
    for one in joined.values():
        one.points.sort()
    return [one for one in joined.values() if one.points]  # a query_range result may have no values


def _add_point(series: JoinedSeries, seen: set[float], stamp: float, value: float, source: str) -> None:
    if math.isnan(stamp) and series.points:
        return  # a repeated sample within one untimed file: the first one stands
    if stamp in seen:
        return  # the same scrape given twice (e.g. two overlapping /federate files)
    seen.add(stamp)
    series.points.append((stamp, value))
    if source not in series.sources:
        series.sources.append(source)


def is_timed(series: SeriesFields) -> bool:
    """Whether the series' points have times (untimed: one scrape of a file nobody dated)."""
    return bool(series.points) and not math.isnan(series.points[0][0])


def window_sample(series: SeriesFields) -> MetricSample:
    """The series as one sample: a counter's increase over the window when it has two points or more,
    else its last value (cumulative for a counter scraped once)."""
    last_stamp, last_value = series.points[-1]
    value = last_value
    if is_cumulative(series.name, series.kind):
        grown = increase(series.points)
        value = grown.value if grown is not None else last_value
    return MetricSample.model_construct(  # the series' own labels: evidence records are never changed
        _SAMPLE_FIELDS,
        name=series.name,
        labels=series.labels,
        value=value,
        timestamp_ms=None if math.isnan(last_stamp) else round(last_stamp * 1000),
        kind=series.kind,
    )


def scrape_windows(series: Sequence[SeriesFields]) -> list[ScrapeWindow]:
    """One window per scrape target (job, instance), plus one per untimed source."""
    groups: dict[tuple[str, str, str], list[SeriesFields]] = defaultdict(list)
    for one in series:
        untimed_source = "" if is_timed(one) else one.sources[0]
        groups[(one.labels.get("job", ""), one.labels.get("instance", ""), untimed_source)].append(one)
    windows = []
    for (job, instance, untimed_source), members in sorted(groups.items()):
        sources = sorted({s for m in members for s in m.sources})
        if untimed_source:
            windows.append(
                ScrapeWindow(
                    job=job,
                    instance=instance,
                    sources=sources,
                    scrapes=1,
                    rates=False,
                    note=f"{SINGLE_SCRAPE_NOTE}; no scrape time known (give scraped_at)",
                )
            )
            continue
        stamps = [t for m in members for t, _ in m.points]
        scrapes = max(len(m.points) for m in members)
        windows.append(
            ScrapeWindow(
                job=job,
                instance=instance,
                sources=sources,
                scrapes=scrapes,
                start_s=min(stamps),
                end_s=max(stamps),
                rates=scrapes > 1,
                note="" if scrapes > 1 else SINGLE_SCRAPE_NOTE,
            )
        )
    return windows


def common_window_s(series: Sequence[SeriesFields], name: str) -> float | None:
    """The window every series of this name covers, when all have two points or more and the same
    first and last time (one set of scrapes); None otherwise, so no rate is made of mixed windows."""
    spans = {(one.points[0][0], one.points[-1][0]) for one in series if one.name == name and one.points}
    if len(spans) != 1 or any(len(one.points) < 2 for one in series if one.name == name):
        return None
    start, end = spans.pop()
    return end - start if end > start else None
