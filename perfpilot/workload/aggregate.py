"""Per-fingerprint running totals (count, time, rows, p95 sketch, slowest example) and their merge."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from perfpilot.workload import fingerprint as fingerprints
from perfpilot.workload.accel import tally
from perfpilot.workload.events import QueryEvent
from perfpilot.workload.fingerprint import fingerprint
from perfpilot.workload.formats.mysql_slow import SlowLogRow
from perfpilot.workload.quantiles import QuantileSketch

# The C version of aggregate_rows' loop (perfpilot/workload/_tally_c.c), or None: the loop below runs.
_tally_rows = tally.tally_rows if tally is not None else None


class ShapeTotals:
    """Running figures for one fingerprint."""

    __slots__ = (
        "count", "example", "example_time", "first_seen", "last_seen", "max_time", "rows_examined",
        "rows_sent", "sketch", "timed", "total_time",
    )

    def __init__(self, sql: str, timestamp: str | None) -> None:
        self.count = 0
        self.timed = 0
        self.total_time = 0.0
        self.max_time = 0.0
        self.rows_examined: int | None = None
        self.rows_sent: int | None = None
        self.first_seen = timestamp
        self.last_seen = timestamp
        self.example = sql
        self.example_time = -1.0
        self.sketch = QuantileSketch()

    def add_one(
        self, sql: str, duration: float | None, examined: int | None, sent: int | None, stamp: str | None
    ) -> None:
        """Account for one execution (the digest's hot path for slow logs: no QueryEvent needed)."""
        self.count += 1
        if duration is not None:
            self.timed += 1
            self.total_time += duration
            self.sketch.add(duration)
            if duration > self.max_time:
                self.max_time = duration
                if duration > self.example_time:
                    self.example_time = duration
                    self.example = sql
        if examined is not None:
            self.rows_examined = (self.rows_examined or 0) + examined
        if sent is not None:
            self.rows_sent = (self.rows_sent or 0) + sent
        if stamp is not None:
            if self.first_seen is None:
                self.first_seen = stamp
            self.last_seen = stamp

    def add(self, event: QueryEvent) -> None:
        """Account for one event (an aggregate event counts `event.count` executions)."""
        count = event.count
        self.count += count
        duration = event.duration_s
        if duration is not None:
            self.timed += count
            self.total_time += duration
            if count == 1:
                self.sketch.add(duration)
            else:
                duration /= count
                self.sketch.add(duration, count)
            if duration > self.max_time:
                self.max_time = duration
                if duration > self.example_time:
                    self.example_time = duration
                    self.example = event.sql
        examined = event.rows_examined
        if examined is not None:
            self.rows_examined = (self.rows_examined or 0) + examined
        sent = event.rows_sent
        if sent is not None:
            self.rows_sent = (self.rows_sent or 0) + sent
        stamp = event.timestamp
        if stamp is not None:
            if self.first_seen is None:
                self.first_seen = stamp
            self.last_seen = stamp

    def merge(self, later: ShapeTotals) -> None:
        """Fold in the totals of a later stretch of the same workload."""
        self.count += later.count
        self.timed += later.timed
        self.total_time += later.total_time
        self.max_time = max(self.max_time, later.max_time)
        if later.example_time > self.example_time:
            self.example_time = later.example_time
            self.example = later.example
        if later.rows_examined is not None:
            self.rows_examined = (self.rows_examined or 0) + later.rows_examined
        if later.rows_sent is not None:
            self.rows_sent = (self.rows_sent or 0) + later.rows_sent
        if self.first_seen is None:
            self.first_seen = later.first_seen
        if later.last_seen is not None:
            self.last_seen = later.last_seen
        self.sketch.merge(later.sketch)


def aggregate_events(
    events: Iterable[QueryEvent],
    dialect: str | None = None,
    on_event: Callable[[QueryEvent, str], None] | None = None,
) -> dict[str, ShapeTotals]:
    """Group events by fingerprint, in first-seen order; `on_event(event, fingerprint)` sees each one."""
    shapes: dict[str, ShapeTotals] = {}
    shape_of = fingerprint
    find = shapes.get
    for event in events:
        text = shape_of(event.sql, dialect)
        totals = find(text)
        if totals is None:
            totals = shapes[text] = ShapeTotals(event.sql, event.timestamp)
        totals.add(event)
        if on_event is not None:
            on_event(event, text)
    return shapes


def aggregate_rows(
    rows: Iterable[SlowLogRow],
    dialect: str | None = None,
    on_row: Callable[[SlowLogRow, str], None] | None = None,
) -> dict[str, ShapeTotals]:
    """aggregate_events for slow-log rows (tuples), which skips building a QueryEvent per entry."""
    mask = fingerprints._mask_literals
    if _tally_rows is not None and mask is not None and on_row is None:
        return _aggregate_rows_in_c(_tally_rows, rows, dialect, mask)
    shapes: dict[str, ShapeTotals] = {}
    shape_of = fingerprint
    find = shapes.get
    for row in rows:
        sql, duration, examined, sent, _session, stamp, _line, _database = row
        text = shape_of(sql, dialect)
        totals = find(text)
        if totals is None:
            totals = shapes[text] = ShapeTotals(sql, stamp)
        totals.add_one(sql, duration, examined, sent, stamp)
        if on_row is not None:
            on_row(row, text)
    return shapes


def _aggregate_rows_in_c(
    tally_rows: Callable[..., None], rows: Iterable[SlowLogRow], dialect: str | None,
    mask: Callable[[str], str | None],
) -> dict[str, ShapeTotals]:
    """aggregate_rows' loop run by the C tally; the same ShapeTotals, in the same order."""
    tallies: dict[str, Any] = {}
    tally_rows(
        rows, mask, fingerprints._shape_cache, lambda sql: fingerprint(sql, dialect), QuantileSketch, tallies
    )
    shapes: dict[str, ShapeTotals] = {}
    for text, running in tallies.items():
        count, timed, total, longest, example, example_time, examined, sent, first, last, sketch = (
            running.totals()
        )
        totals = shapes[text] = ShapeTotals(example, first)
        totals.count, totals.timed, totals.total_time, totals.max_time = count, timed, total, longest
        totals.example_time, totals.rows_examined, totals.rows_sent = example_time, examined, sent
        totals.last_seen, totals.sketch = last, sketch
    return shapes
