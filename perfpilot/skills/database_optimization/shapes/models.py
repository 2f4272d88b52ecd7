"""Shape-analysis records: what one statement touches (tables, predicate columns, joins, sort, paging)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr
from sqlglot import exp

ShapeDialect = Literal["postgres", "mysql", "sqlite"]


class ShapeModel(BaseModel):
    """Base for shape-analysis records."""

    model_config = ConfigDict(extra="forbid")


class ShapeRecord(ShapeModel):
    """Base for the immutable (hashable) parts of an analysis."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class ColumnRef(ShapeRecord):
    """A column with the table it belongs to (alias resolved); table is None when it cannot be told."""

    table: str | None = None
    column: str

    def label(self) -> str:
        return f"{self.table}.{self.column}" if self.table else self.column


class TableRef(ShapeRecord):
    """A base table the statement reads or writes, with the alias it goes by."""

    name: str
    schema_name: str | None = None
    alias: str | None = None


class JoinCondition(ShapeRecord):
    """An equality between columns of two different tables (a JOIN ON, or a WHERE join predicate)."""

    left: ColumnRef
    right: ColumnRef


class OrderColumn(ShapeRecord):
    """One ORDER BY column."""

    column: ColumnRef
    descending: bool = False


class ShapeAnalysis(ShapeModel):
    """What one query shape touches. Unparsed statements carry parsed=False and the reason in error."""

    parsed: bool = True
    error: str | None = None
    dialect: ShapeDialect = "postgres"
    statement: str = "unknown"
    tables: list[TableRef] = Field(default_factory=list)
    equality: list[ColumnRef] = Field(default_factory=list)
    ranges: list[ColumnRef] = Field(default_factory=list)
    in_lists: list[ColumnRef] = Field(default_factory=list)
    joins: list[JoinCondition] = Field(default_factory=list)
    order_by: list[OrderColumn] = Field(default_factory=list)
    group_by: list[ColumnRef] = Field(default_factory=list)
    select_star: bool = False
    select_columns: list[ColumnRef] = Field(default_factory=list)
    has_where: bool = False
    limit: int | None = None
    offset: int | None = None
    _tree: exp.Expr | None = PrivateAttr(default=None)

    @property
    def tree(self) -> exp.Expr | None:
        """The parsed statement (read-only by convention: the analysis is cached and shared)."""
        return self._tree

    def attach_tree(self, tree: exp.Expr) -> None:
        self._tree = tree

    def table_names(self) -> list[str]:
        return sorted({t.name for t in self.tables})

    def resolve(self, alias_or_name: str | None) -> str | None:
        """The base table an alias (or bare table name) refers to."""
        if alias_or_name is None:
            return None
        key = alias_or_name.lower()
        for table in self.tables:
            if key in {table.name, table.alias}:
                return table.name
        return None
