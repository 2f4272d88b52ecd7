"""An extra index's write load: the table's counted writes read over their statistics window, charged in
the priced workload's frame, and said in the recommendation when the window cannot stand for the workload."""

from __future__ import annotations

from pathlib import Path

from perfpilot.skills.database_optimization.api import advise
from perfpilot.skills.database_optimization.catalog.models import Catalog, Column, StatsWindow, Table
from perfpilot.skills.database_optimization.catalog.table_stats import apply_table_stats
from perfpilot.skills.database_optimization.indexes.write_load import (
    INDEX_WRITE_COST,
    WriteCharges,
    table_write_load,
    write_charges,
)
from perfpilot.workload.models import QueryShape

YEAR = StatsWindow(since="2025-12-07T10:00:00+00:00", days=365.0)
DAY = StatsWindow(since="2026-12-06T10:00:00+00:00", days=1.0)
LOOKUP = "SELECT * FROM orders WHERE customer_id = 42"


def _orders(**counters: int) -> Table:
    return Table(
        name="orders",
        row_count=100_000,
        columns=[Column(name="id", type="integer"), Column(name="customer_id", type="integer"),
                 Column(name="status", type="text")],
        **counters,  # type: ignore[arg-type]
    )


def _catalog(window: StatsWindow | None, **counters: int) -> Catalog:
    return Catalog(dialect="postgres", source="postgresql:127.0.0.1/shop", tables=[_orders(**counters)],
                   stats_window=window)


def _lookup(count: int) -> QueryShape:
    return QueryShape(id="by-customer", fingerprint=LOOKUP, example=LOOKUP, count=count,
                      total_time_s=count * 0.02, mean_time_s=0.02, p95_time_s=0.03, max_time_s=0.05)


# 73 million rows written against 3,650 scans: 20,000 rows written per scan of the table
CHURNED = {"inserts": 1_000_000, "updates": 72_000_000, "deletes": 0, "seq_scans": 650, "index_scans": 3_000}


def test_over_a_year_the_counters_give_rows_written_per_scan_and_a_rate_per_row() -> None:
    load = table_write_load(_orders(**CHURNED), YEAR)
    assert load is not None and load.rows_written == 73_000_000 and load.writes_per_read == 20_000.0
    assert load.sentence == (
        "73,000,000 rows written to orders (n_tup_ins + n_tup_upd + n_tup_del) in the 365.0 days since "
        "statistics began on 2025-12-07T10:00:00+00:00, 2 per row per day; 20,000 rows written per scan of "
        "it (3,650 scans, seq_scan + idx_scan, over the same window)"
    )


def test_the_same_counters_over_one_day_are_not_charged_and_the_reason_is_said() -> None:
    load = table_write_load(_orders(**CHURNED), DAY)
    assert load is not None and load.writes_per_read is None
    assert load.sentence == (
        "73,000,000 rows written to orders (n_tup_ins + n_tup_upd + n_tup_del) in the 24.0 hours since "
        "statistics began on 2026-12-06T10:00:00+00:00, 730 per row per day: under 30 days the counters "
        "stand for what happened lately (a bulk load, a one-off job), not the workload, so no write load "
        "beyond the write statements of the workload is charged to this index"
    )


def test_a_window_never_reset_is_a_floor_so_the_rate_is_a_ceiling() -> None:
    window = StatsWindow(since="2026-09-01T00:00:00+00:00", days=97.0, floor=True)
    load = table_write_load(_orders(**CHURNED), window)
    assert load is not None and load.writes_per_read == 20_000.0
    assert "at least the 97.0 days since the server started (statistics never reset), at most 7.53 per row " \
        "per day;" in load.sentence


def test_an_unknown_window_is_said_not_guessed() -> None:
    load = table_write_load(_orders(**CHURNED), None)
    assert load is not None and load.writes_per_read is None
    assert load.sentence == (
        "73,000,000 rows written to orders (n_tup_ins + n_tup_upd + n_tup_del) over an unknown window (no "
        "stats_reset or server start time in the evidence): its write rate is unknown, so no write load "
        "beyond the write statements of the workload is charged to this index"
    )


def test_no_scan_counts_means_no_charge_and_no_counters_means_nothing_to_say() -> None:
    load = table_write_load(_orders(inserts=5_000, updates=0, deletes=0), YEAR)
    assert load is not None and load.writes_per_read is None
    assert load.sentence.endswith("; the scans of the table are not counted in the evidence, so no write "
                                  "load beyond the write statements of the workload is charged to this index")
    assert table_write_load(_orders(), YEAR) is None
    assert table_write_load(_orders(inserts=0, updates=0, deletes=0, seq_scans=9), YEAR) is None


def test_the_charge_is_the_larger_of_the_statements_and_the_counted_rows_not_their_sum() -> None:
    charges = write_charges(_catalog(YEAR, **CHURNED), writes={"orders": 50.0}, reads={"orders": 3.0})
    assert charges.counted_rows("orders") == 60_000.0 and charges.rows("orders") == 60_000.0
    assert charges.penalty("orders") == 60_000.0 * INDEX_WRITE_COST
    few = write_charges(_catalog(YEAR, **CHURNED), writes={"orders": 90_000.0}, reads={"orders": 3.0})
    assert few.rows("orders") == 90_000.0
    plain = WriteCharges(statements={"orders": 7.0})
    assert plain.penalty("orders") == 7.0 * INDEX_WRITE_COST and plain.sentence("orders") is None
    assert charges.sentence("orders") == (
        charges.loads["orders"].sentence + ": 60,000 rows written charged against the 3 reads of the table "
        "in the workload, 4 planner cost units each"
    )


def test_one_day_and_one_year_of_the_same_counters_give_different_advice() -> None:
    year = advise([_lookup(30)], _catalog(YEAR, **CHURNED), dsn=None, dialect="postgres")
    day = advise([_lookup(30)], _catalog(DAY, **CHURNED), dsn=None, dialect="postgres")
    assert year.method == day.method == "heuristic"
    assert year.recommendations == []  # 600,000 rows written while it ran outweigh what 30 lookups save
    [rec] = day.recommendations
    assert rec.columns == ["customer_id"]
    assert rec.write_load is not None and "under 30 days the counters stand for what happened lately" in (
        rec.write_load
    )
    [finding] = [f for f in day.findings if f.kind == "missing_index"]
    assert finding.root_cause.endswith(" Writes: " + rec.write_load + ".")


def test_a_table_read_often_for_its_writes_keeps_its_index_over_a_year() -> None:
    read_mostly = dict(CHURNED, seq_scans=10_000_000, index_scans=63_000_000)  # one row written per scan
    advice = advise([_lookup(30)], _catalog(YEAR, **read_mostly), dsn=None, dialect="postgres")
    [rec] = advice.recommendations
    assert rec.write_load is not None and rec.write_load.endswith(
        "1 rows written per scan of it (73,000,000 scans, seq_scan + idx_scan, over the same window): 30 "
        "rows written charged against the 30 reads of the table in the workload, 4 planner cost units each"
    )


def test_a_pg_stat_user_tables_export_has_no_window_and_the_finding_says_so(tmp_path: Path) -> None:
    catalog = _catalog(None)
    stats = tmp_path / "pg_stat_user_tables.csv"
    stats.write_text("relname,n_live_tup,n_tup_ins,n_tup_upd,n_tup_del\norders,100000,1000000,72000000,0\n")
    assert apply_table_stats(catalog, stats) == 1
    advice = advise([_lookup(30)], catalog, dsn=None, dialect="postgres")
    assert [r.columns for r in advice.recommendations] == [["customer_id"]]  # counts of unknown age
    [finding] = [f for f in advice.findings if f.kind == "missing_index"]
    unknown = "over an unknown window (no stats_reset or server start time in the evidence)"
    assert unknown in finding.root_cause
