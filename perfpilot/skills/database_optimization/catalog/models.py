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


class Catalog(CatalogModel):
    """A database schema as perfpilot sees it."""

    dialect: Dialect
    source: str = Field(description="'ddl:<path>', 'sqlite:<path>' or 'postgresql:<host>/<db>' (no secrets).")
    tables: list[Table] = Field(default_factory=list)

    def table(self, name: str) -> Table | None:
        bare = name.split(".")[-1].strip('"').lower()
        return next((t for t in self.tables if t.name.lower() == bare), None)
