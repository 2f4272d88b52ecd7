"""Unused indexes are judged only over a long enough statistics window, on a table that was read in it."""

from __future__ import annotations

from typing import Any

import pytest

from perfpilot.skills.database_optimization.catalog.models import Catalog, Index, StatsWindow, Table
from perfpilot.skills.database_optimization.findings.hygiene import (
    MIN_UNUSED_WINDOW_DAYS,
    index_hygiene_findings,
)

DEFINITION = "CREATE INDEX orders_status_idx ON public.orders USING btree (status)"


class _Definitions:
    """What index_hygiene_findings asks the connection: every index's definition."""

    def execute(self, _query: str) -> _Definitions:
        return self

    def fetchall(self) -> list[tuple[str, str, str]]:
        return [("public", "orders_status_idx", DEFINITION)]


def _catalog(window: StatsWindow | None, *, seq_scans: int = 40, index_scans: int = 900) -> Catalog:
    orders = Table(
        name="orders",
        seq_scans=seq_scans,
        index_scans=index_scans,
        indexes=[
            Index(name="orders_pkey", table="orders", columns=["id"], unique=True, primary=True, scans=900),
            Index(name="orders_status_idx", table="orders", columns=["status"], size_bytes=3 << 20, scans=0),
        ],
    )
    source = "postgresql:127.0.0.1/shop"
    return Catalog(dialect="postgres", source=source, tables=[orders], stats_window=window)


def _run(catalog: Catalog) -> Any:
    return index_hygiene_findings(_Definitions(), catalog)


def test_a_long_window_recommends_the_drop_and_says_over_what_window() -> None:
    window = StatsWindow(since="2026-10-20T08:00:00+00:00", days=48.25)
    result = _run(_catalog(window))
    [finding] = result.findings
    assert finding.kind == "unused_index" and finding.subject == "orders.orders_status_idx"
    assert finding.root_cause == (
        "orders_status_idx on orders was not scanned in the 48.2 days since statistics began on "
        "2026-10-20T08:00:00+00:00 (idx_scan = 0, while the table was read 940 times) yet costs 3.0 MB and "
        "slows writes"
    )
    assert finding.evidence[0].values == {
        "idx_scan": 0.0, "size_bytes": float(3 << 20), "stats_window_days": 48.25, "table_reads": 940.0
    }
    assert finding.remediation is not None
    assert finding.remediation.content == "DROP INDEX CONCURRENTLY IF EXISTS orders_status_idx;"
    assert result.notes == []


def test_a_short_window_recommends_no_drop_and_says_why() -> None:
    window = StatsWindow(since="2026-12-07T07:59:30+00:00", days=30 / 86400)
    result = _run(_catalog(window))
    assert result.findings == []
    assert result.notes == [
        "statistics cover the 0.5 minutes since statistics began on 2026-12-07T07:59:30+00:00: too short "
        "to judge unused indexes (at least 30 days needed); 1 index(es) with idx_scan = 0 not judged"
    ]


def test_just_under_the_minimum_is_still_too_short() -> None:
    window = StatsWindow(since="2026-11-08T09:00:00+00:00", days=MIN_UNUSED_WINDOW_DAYS - 0.1)
    result = _run(_catalog(window))
    assert result.findings == [] and "29.9 days" in result.notes[0]


def test_stats_never_reset_counts_from_the_server_start_as_a_floor() -> None:
    short = _run(_catalog(StatsWindow(since="2026-12-07T07:26:35+00:00", days=0.5, floor=True)))
    assert short.findings == []
    assert short.notes[0].startswith(
        "statistics cover at least the 12.0 hours since the server started (statistics never reset): too "
        "short to judge unused indexes"
    )
    long = _run(_catalog(StatsWindow(since="2026-09-01T00:00:00+00:00", days=97.0, floor=True)))
    [finding] = long.findings
    assert "not scanned in at least the 97.0 days since the server started (statistics never reset)" in (
        finding.root_cause
    )


@pytest.mark.parametrize(("seq_scans", "index_scans"), [(0, 0), (30, 18)])
def test_a_table_barely_read_in_the_window_is_no_evidence_of_an_unused_index(
    seq_scans: int, index_scans: int
) -> None:
    window = StatsWindow(since="2026-10-20T08:00:00+00:00", days=48.25)
    result = _run(_catalog(window, seq_scans=seq_scans, index_scans=index_scans))
    assert result.findings == []
    assert result.notes == [
        f"orders was read {seq_scans + index_scans} times in the 48.2 days since statistics began on "
        "2026-10-20T08:00:00+00:00 (seq_scan + idx_scan, under 1 a day): too little workload seen, so its 1 "
        "unscanned index(es) are not judged unused"
    ]
    [finding] = _run(_catalog(window, seq_scans=30, index_scans=19)).findings  # 49 reads: judged
    assert finding.kind == "unused_index"


def test_an_unknown_window_recommends_no_drop() -> None:
    result = _run(_catalog(None))
    assert result.findings == []
    assert result.notes == [
        "1 index(es) show idx_scan = 0, but how long the statistics have counted is unknown: unused indexes "
        "are not judged"
    ]
