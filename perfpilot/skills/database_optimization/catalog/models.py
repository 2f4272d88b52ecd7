"""The schema catalog model: tables, columns, indexes and statistics, from DDL or a live database."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Dialect = Literal["postgres", "mysql", "sqlite"]


class CatalogModel(BaseModel):
    """Base for catalog records."""

    model_config = ConfigDict(extra="forbid")


class Column(CatalogModel):
    """A table column; `avg_width` and `n_distinct` when statistics are known."""

    name: str
    type: str = ""
    nullable: bool = True
    avg_width: float | None = None
    n_distinct: float | None = None
    range_share: float | None = Field(
        default=None, ge=0, le=1,
        description="Share of examined rows a range condition on this column kept in an analyzed plan "
        "(the smallest seen; plans/range_shares.py).",
    )


class Index(CatalogModel):
    """An existing index. `scans` and `size_bytes` come from live statistics (PostgreSQL)."""

    name: str
    table: str
    columns: list[str]
    include: list[str] = Field(default_factory=list)
    unique: bool = False
    primary: bool = False
    partial: bool = False
    method: str = "btree"
    size_bytes: int | None = None
    scans: int | None = None


class Table(CatalogModel):
    """A table with its columns, indexes and (when known) size and write statistics."""

    name: str
    schema_name: str = "public"
    columns: list[Column] = Field(default_factory=list)
    indexes: list[Index] = Field(default_factory=list)
    row_count: int | None = None
    size_bytes: int | None = None
    inserts: int | None = None
    updates: int | None = None
    deletes: int | None = None
    modified_since_analyze: int | None = None
    last_analyze: str | None = None
    seq_scans: int | None = Field(default=None, description="pg_stat_user_tables.seq_scan over the window.")
    index_scans: int | None = Field(default=None, description="pg_stat_user_tables.idx_scan over the window.")
    autovacuum_enabled: bool | None = Field(
        default=None, description="The table's autovacuum_enabled storage parameter, when set."
    )

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name.lower() == name.lower()), None)

    def leading_index_columns(self) -> set[tuple[str, ...]]:
        """Column prefixes already served by an index (for 'is this candidate new?' checks)."""
        prefixes: set[tuple[str, ...]] = set()
        for index in self.indexes:
            cols = tuple(c.lower() for c in index.columns)
            for end in range(1, len(cols) + 1):
                prefixes.add(cols[:end])
        return prefixes


def qualified_name(table: Table) -> str:
    """The table's name, schema-qualified unless it lives in the default schema."""
    if table.schema_name in {"public", "main", ""}:
        return table.name
    return f"{table.schema_name}.{table.name}"


WORKLOAD_CYCLE_DAYS = 30.0
"""Least statistics window whose counters stand for the workload rather than for what happened lately
(a bulk load, a one-off job). postgres.ai's "How to find unused indexes" asks that stats_reset be old
enough for "usage data for at least 1 month" and to postpone the analysis otherwise; a month holds the
weekly business cycle four times and most month-end jobs once.
https://postgres.ai/docs/postgres-howtos/performance-optimization/indexing/how-to-find-unused-indexes"""


class StatsWindow(CatalogModel):
    """How long the cumulative statistics (pg_stat_*: idx_scan, seq_scan, n_tup_*) have been counting."""

    since: str = Field(description="pg_stat_database.stats_reset, else pg_postmaster_start_time().")
    days: float = Field(ge=0)
    floor: bool = Field(
        default=False,
        description="Never reset: the counters go back at least to the server's start (PostgreSQL 15 keeps "
        "them over a clean restart), perhaps further.",
    )

    def phrase(self) -> str:
        """E.g. 'the 12.4 days since statistics began on <time>' or 'at least the 3.0 hours since the server
        started (statistics never reset)'."""
        span = _duration(self.days)
        if self.floor:
            return f"at least the {span} since the server started (statistics never reset)"
        return f"the {span} since statistics began on {self.since}"

    def covers_cycle(self) -> bool:
        """Whether the window is at least WORKLOAD_CYCLE_DAYS long."""
        return self.days >= WORKLOAD_CYCLE_DAYS


def _duration(days: float) -> str:
    seconds = days * 86400
    if seconds < 3600:
        return f"{seconds / 60:.1f} minutes"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.1f} hours"
    return f"{days:.1f} days"


class Catalog(CatalogModel):
    """A database schema as perfpilot sees it."""

    dialect: Dialect
    source: str = Field(description="'ddl:<path>', 'sqlite:<path>' or 'postgresql:<host>/<db>' (no secrets).")
    tables: list[Table] = Field(default_factory=list)
    stats_window: StatsWindow | None = Field(
        default=None, description="What the live statistics cover; None when not read from a server."
    )

    def table(self, name: str) -> Table | None:
        bare = name.split(".")[-1].strip('"').lower()
        return next((t for t in self.tables if t.name.lower() == bare), None)
