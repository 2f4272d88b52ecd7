"""The write load an extra index on a table carries, put in the frame of the workload being priced.

An index adds work to every row written to its table. pg_stat_user_tables counts the rows written
(n_tup_ins + n_tup_upd + n_tup_del) and the scans begun on the table (seq_scan + idx_scan) since the
statistics window began (catalog.stats_window): totals, not rates, so a server up for a year shows a
year of writes and one started today almost none. Their quotient, rows written per scan, is taken over one
window for both and does not depend on its length; times the workload's own reads of the table (the
statement counts the advisor prices) it gives the rows written while that workload ran, each charged
INDEX_WRITE_COST as the workload's write statements are. Both sides of the index's balance, the read cost
it saves and the writes it slows, are then counted in the same frame from the same evidence.

The quotient stands for the workload only over a window of a whole cycle (WORKLOAD_CYCLE_DAYS): right
after a reset the counters hold what happened lately, often the table's own bulk load. Over a shorter or
unknown window (a pg_dump and pg_stat_user_tables export says nothing of when counting began) nothing is
charged beyond the workload's own write statements, and the recommendation says why.

Two approximations, both stated: a statement may begin more than one scan of a table (a nested loop's
inner side rescans it), so rows written per scan is a floor of rows written per statement; and not every
row written touches every index (a HOT update touches none unless it changes an indexed column, and a
delete's index entries go at VACUUM), so the rows written are a ceiling of the index writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from perfpilot.skills.database_optimization.catalog.models import (
    WORKLOAD_CYCLE_DAYS,
    Catalog,
    StatsWindow,
    Table,
    qualified_name,
)

INDEX_WRITE_COST = 4.0
"""Planner cost charged per row written per extra index: about one random page write (random_page_cost's
default, 4.0), the leaf page the new entry lands on."""


@dataclass(frozen=True)
class TableWriteLoad:
    """One table's counted writes: rows written per scan when the window can stand for the workload
    (else None), and what the counters say, for the recommendation."""

    table: str
    rows_written: int
    writes_per_read: float | None
    sentence: str


def rows_written(table: Table) -> int | None:
    """n_tup_ins + n_tup_upd + n_tup_del; None when the catalog has none of them."""
    counts = (table.inserts, table.updates, table.deletes)
    if all(count is None for count in counts):
        return None
    return sum(count or 0 for count in counts)


def _figure(value: float) -> str:
    """Three significant figures, never in exponent form: 20,000, 7.53, 0.0123."""
    if value >= 100:
        return f"{value:,.0f}"
    text = f"{value:.3g}"
    return text if "e" not in text else f"{value:.8f}".rstrip("0")


def _rate(written: int, table: Table, window: StatsWindow) -> str:
    counted = f"{written:,} rows written to {qualified_name(table)} (n_tup_ins + n_tup_upd + n_tup_del)"
    if window.days <= 0 or not table.row_count:
        return f"{counted} in {window.phrase()}"
    per_row_day = written / table.row_count / window.days
    bound = "at most " if window.floor else ""  # a window of at least N days: a rate of at most this
    return f"{counted} in {window.phrase()}, {bound}{_figure(per_row_day)} per row per day"


def table_write_load(table: Table, window: StatsWindow | None) -> TableWriteLoad | None:
    """What the table's write counters say over the window; None when it has no writes counted."""
    written = rows_written(table)
    if not written:
        return None
    name = qualified_name(table)
    not_charged = "so no write load beyond the write statements of the workload is charged to this index"
    if window is None:
        return TableWriteLoad(
            name, written, None,
            f"{written:,} rows written to {name} (n_tup_ins + n_tup_upd + n_tup_del) over an unknown "
            "window (no stats_reset or server start time in the evidence): its write rate is unknown, "
            + not_charged,
        )
    rate = _rate(written, table, window)
    if not window.covers_cycle():
        return TableWriteLoad(
            name, written, None,
            f"{rate}: under {WORKLOAD_CYCLE_DAYS:.0f} days the counters stand for what happened lately (a "
            f"bulk load, a one-off job), not the workload, {not_charged}",
        )
    if table.seq_scans is None and table.index_scans is None:
        return TableWriteLoad(
            name, written, None,
            f"{rate}; the scans of the table are not counted in the evidence, {not_charged}",
        )
    reads = (table.seq_scans or 0) + (table.index_scans or 0)
    per_read = written / max(reads, 1)
    return TableWriteLoad(
        name, written, per_read,
        f"{rate}; {_figure(per_read)} rows written per scan of it ({reads:,} scans, seq_scan + idx_scan, "
        "over the same window)",
    )


@dataclass
class WriteCharges:
    """Rows written charged to an extra index on each table, in the priced workload's frame: the larger of
    the workload's own write statements on it and the counted rows written per scan times the workload's
    reads of it (the counters include the workload's writes, so the two are not added)."""

    statements: dict[str, float] = field(default_factory=dict)
    reads: dict[str, float] = field(default_factory=dict)
    loads: dict[str, TableWriteLoad] = field(default_factory=dict)

    def counted_rows(self, table: str) -> float:
        load = self.loads.get(table)
        if load is None or load.writes_per_read is None:
            return 0.0
        return load.writes_per_read * self.reads.get(table, 0.0)

    def rows(self, table: str) -> float:
        return max(self.statements.get(table, 0.0), self.counted_rows(table))

    def penalty(self, table: str) -> float:
        """Planner cost an extra index on the table adds to the workload's writes."""
        return self.rows(table) * INDEX_WRITE_COST

    def sentence(self, table: str) -> str | None:
        """What the counters say of the table's writes and what was charged; None with no counters."""
        load = self.loads.get(table)
        if load is None:
            return None
        if load.writes_per_read is None:
            return load.sentence
        return (
            f"{load.sentence}: {self.counted_rows(table):,.0f} rows written charged against the "
            f"{self.reads.get(table, 0.0):,.0f} reads of the table in the workload, {INDEX_WRITE_COST:g} "
            "planner cost units each"
        )


def write_charges(catalog: Catalog, writes: dict[str, float], reads: dict[str, float]) -> WriteCharges:
    """The charges for a workload of `writes` (write statements per table) and `reads` (reading statements
    per table), with every table's counted write load over the catalog's statistics window."""
    loads = {
        qualified_name(table): load
        for table in catalog.tables
        if (load := table_write_load(table, catalog.stats_window)) is not None
    }
    return WriteCharges(statements=writes, reads=reads, loads=loads)
