"""Index candidates from a workload: the columns each query filters, joins, sorts and groups on (sqlglot)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlglot
from sqlglot import exp

from perfpilot.skills.database_optimization.catalog.models import Catalog, Table, qualified_name
from perfpilot.skills.database_optimization.indexes.keys import (
    canonical_key,
    expression_key,
    key_label,
    key_sql,
)
from perfpilot.workload.models import QueryShape

_SQLGLOT_DIALECT = {"postgres": "postgres", "sqlite": "sqlite", "mysql": "mysql"}
_EQUALITY = (exp.EQ, exp.In, exp.Is)
_RANGE = (exp.GT, exp.GTE, exp.LT, exp.LTE, exp.Between, exp.Like)


@dataclass(frozen=True, order=True)
class IndexCandidate:
    """A possible index: key columns in order, optional INCLUDE columns."""

    table: str
    columns: tuple[str, ...]
    include: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        extra = f" INCLUDE ({', '.join(self.include)})" if self.include else ""
        return f"{self.table}({', '.join(self.columns)}){extra}"

    def create_sql(self, name: str | None = None, dialect: str = "postgres") -> str:
        """A plain CREATE INDEX statement (for HypoPG or a sandbox)."""
        extra = f" INCLUDE ({', '.join(self.include)})" if self.include else ""
        named = f"{name} " if name else ""
        return f"CREATE INDEX {named}ON {self.table} ({self.key_list(dialect)}){extra}"

    def key_list(self, dialect: str) -> str:
        return ", ".join(key_sql(key, dialect) for key in self.columns)

    def index_name(self) -> str:
        keys = (key_label(key) for key in self.columns)
        base = "_".join((self.table.split(".")[-1], *keys, *(("inc",) if self.include else ())))
        return "idx_" + re.sub(r"[^a-z0-9_]", "_", base.lower())[:55]


@dataclass
class TableUse:
    """How one query uses one table's columns, by role."""

    equality: list[str] = field(default_factory=list)
    range: list[str] = field(default_factory=list)
    join: list[str] = field(default_factory=list)
    sort: list[str] = field(default_factory=list)
    referenced: set[str] = field(default_factory=set)

    def add(self, role: list[str], column: str) -> None:
        if column not in role:
            role.append(column)

    @property
    def indexable(self) -> set[str]:
        return {*self.equality, *self.range, *self.join, *self.sort}


@dataclass
class QueryUse:
    """The parsed use of the schema by one query shape."""

    shape_id: str
    statement: str
    count: int
    kind: str
    tables: dict[str, TableUse] = field(default_factory=dict)
    written_table: str | None = None
    order_by: list[tuple[str, str, bool]] = field(default_factory=list)  # (table, column, descending)
    limit: int | None = None  # a literal LIMIT (plus OFFSET): rows the query needs at most
    grouped: bool = False  # GROUP BY, DISTINCT or an aggregate: every matching row is read anyway


def _resolver(tree: exp.Expr, catalog: Catalog) -> tuple[dict[str, str], list[str]]:
    """Alias (or name) -> catalog table name, and the catalog tables the statement mentions."""
    aliases: dict[str, str] = {}
    tables: list[str] = []
    for table in tree.find_all(exp.Table):
        known = catalog.table(table.name)
        if known is None:
            continue
        name = qualified_name(known)
        aliases[table.alias_or_name.lower()] = name
        aliases[table.name.lower()] = name
        if name not in tables:
            tables.append(name)
    return aliases, tables


def _column_table(
    column: exp.Column, aliases: dict[str, str], tables: list[str], catalog: Catalog
) -> str | None:
    if column.table:
        return aliases.get(column.table.lower())
    owners = [t for t in tables if (found := catalog.table(t)) is not None and found.column(column.name)]
    return owners[0] if len(owners) == 1 else None


def analyse_shape(shape: QueryShape, catalog: Catalog, dialect: str) -> QueryUse | None:
    """Columns by role per table for one shape; None when the statement does not parse."""
    try:
        tree = sqlglot.parse_one(shape.example, read=_SQLGLOT_DIALECT.get(dialect, dialect))
    except (sqlglot.errors.SqlglotError, RecursionError):  # RecursionError: brackets nested past sqlglot
        return None
    if tree is None:
        return None
    aliases, tables = _resolver(tree, catalog)
    use = QueryUse(shape_id=shape.id, statement=shape.example, count=shape.count, kind=tree.key)
    if isinstance(tree, exp.Insert | exp.Update | exp.Delete):
        target = tree.find(exp.Table)
        use.written_table = aliases.get(target.name.lower()) if target else None

    def owner(column: exp.Column) -> tuple[str, TableUse] | None:
        name = _column_table(column, aliases, tables, catalog)
        if name is None:
            return None
        table = catalog.table(name)
        real = table.column(column.name) if table else None
        if real is None:
            return None
        return real.name, use.tables.setdefault(name, TableUse())

    for column in tree.find_all(exp.Column):
        found = owner(column)
        if found:
            found[1].referenced.add(found[0])
    for predicate in tree.find_all(*_EQUALITY, *_RANGE):
        left, right = predicate.this, predicate.args.get("expression")
        if isinstance(left, exp.Column) and isinstance(right, exp.Column):
            for side in (left, right):
                found = owner(side)
                if found and isinstance(predicate, exp.EQ):
                    found[1].add(found[1].join, found[0])
            continue
        operand = left if isinstance(left, exp.Column) else right if isinstance(right, exp.Column) else None
        if isinstance(predicate, exp.Like) and not _prefix_pattern(predicate):
            continue
        if operand is None:
            _expression_key(predicate, owner, dialect)
            continue
        found = owner(operand)
        if found:
            role = found[1].equality if isinstance(predicate, _EQUALITY) else found[1].range
            found[1].add(role, found[0])
    for clause in (*tree.find_all(exp.Order), *tree.find_all(exp.Group)):
        for item in clause.expressions:
            target = item.this if isinstance(item, exp.Ordered) else item
            if isinstance(target, exp.Column) and (found := owner(target)):
                found[1].add(found[1].sort, found[0])
    _read_order_and_limit(
        tree, use, owner_table=lambda c: _column_table(c, aliases, tables, catalog), catalog=catalog
    )
    return use


def _expression_key(
    predicate: exp.Expr, owner: Callable[[exp.Column], tuple[str, TableUse] | None], dialect: str
) -> None:
    """`f(column) <op> value`: the expression over one column becomes a key (an expression index
    serves it; an index on the bare column does not)."""
    left, right = predicate.this, predicate.args.get("expression")
    for wrapped, other in ((left, right), (right, left)):
        if not isinstance(wrapped, exp.Func) or isinstance(wrapped, exp.AggFunc):
            continue
        if other is None or other.find(exp.Column) is not None or isinstance(predicate, exp.Is):
            continue
        columns = list(wrapped.find_all(exp.Column))
        if len(columns) != 1 or wrapped.find(exp.Subquery, exp.Select) is not None:
            continue
        found = owner(columns[0])
        if found:
            role = found[1].equality if isinstance(predicate, _EQUALITY) else found[1].range
            found[1].add(role, expression_key(wrapped, _SQLGLOT_DIALECT.get(dialect, dialect)))
        return


def _literal_int(node: exp.Expr | None) -> int | None:
    if isinstance(node, exp.Limit | exp.Offset):
        node = node.args.get("expression")
    if isinstance(node, exp.Literal) and not node.is_string and str(node.this).isdigit():
        return int(str(node.this))
    return None


def _read_order_and_limit(
    tree: exp.Expr, use: QueryUse, owner_table: Callable[[exp.Column], str | None], catalog: Catalog
) -> None:
    """The top-level ORDER BY (table, column, descending), a literal LIMIT (+ OFFSET), and whether the
    query groups or aggregates (then it reads every matching row whatever the order)."""
    if not isinstance(tree, exp.Select):
        return
    order = tree.args.get("order")
    for item in order.expressions if isinstance(order, exp.Order) else []:
        target = item.this if isinstance(item, exp.Ordered) else item
        table = owner_table(target) if isinstance(target, exp.Column) else None
        real = catalog.table(table) if table else None
        column = real.column(target.name) if real is not None and isinstance(target, exp.Column) else None
        if table is None or column is None:
            use.order_by = []  # an expression or unknown column: no index can deliver this order
            break
        use.order_by.append(
            (table, column.name, bool(isinstance(item, exp.Ordered) and item.args.get("desc")))
        )
    limit = _literal_int(tree.args.get("limit"))
    offset = _literal_int(tree.args.get("offset")) if tree.args.get("offset") is not None else 0
    use.limit = limit + offset if limit is not None and offset is not None else None
    use.grouped = bool(
        tree.args.get("group") or tree.args.get("distinct") or tree.find(exp.AggFunc) is not None
    )


def _prefix_pattern(like: exp.Expr) -> bool:
    pattern = like.args.get("expression")
    return isinstance(pattern, exp.Literal) and not str(pattern.this).startswith(("%", "_"))


def _ordered_keys(use: TableUse, max_columns: int) -> list[tuple[str, ...]]:
    """Key orders for one query on one table: equality -> range -> sort, join keys as equalities."""
    leading = [*use.equality, *(c for c in use.join if c not in use.equality)]
    trailing = [c for c in (*use.range, *use.sort) if c not in leading]
    keys: set[tuple[str, ...]] = {(c,) for c in use.indexable}
    for width in range(2, max_columns + 1):
        for first in itertools.permutations(leading, min(width, len(leading))):
            rest = width - len(first)
            if rest == 0:
                keys.add(first)
            for tail in itertools.permutations(trailing, rest) if rest > 0 else ():
                keys.add(first + tail)
        if not leading:
            keys.update(itertools.permutations(trailing, min(width, len(trailing))))
    return sorted(k for k in keys if k)


def _served_prefixes(table: Table, dialect: str) -> set[tuple[str, ...]]:
    """Key prefixes an existing (non-partial) index already serves, in canonical key spelling."""
    prefixes: set[tuple[str, ...]] = set()
    for index in table.indexes:
        if index.partial:
            continue
        keys = tuple(canonical_key(c, dialect) for c in index.columns)
        prefixes.update(keys[:end] for end in range(1, len(keys) + 1))
    return prefixes


def unique_keys(table: Table, dialect: str) -> set[str]:
    """Keys that alone are a primary key or unique constraint: an equality on one finds at most one
    row through that index already, so no new index should lead with it."""
    return {
        canonical_key(index.columns[0], dialect)
        for index in table.indexes
        if (index.unique or index.primary) and len(index.columns) == 1 and not index.partial
    }


def generate_candidates(
    uses: list[QueryUse], catalog: Catalog, *, max_columns: int = 2, covering: bool = True
) -> list[IndexCandidate]:
    """Single- and multi-column candidates per table, minus those an existing index prefix already serves
    and those leading with a key that alone is a primary key or unique constraint.

    Covering candidates (INCLUDE the other referenced columns) are added when a query touches at most
    three further narrow columns of the table, so an index-only scan is cheap to offer.
    """
    found: set[IndexCandidate] = set()
    for use in uses:
        for name, table_use in use.tables.items():
            table = catalog.table(name)
            if table is None:
                continue
            served = _served_prefixes(table, catalog.dialect)
            unique = unique_keys(table, catalog.dialect)
            for key in _ordered_keys(table_use, max_columns):
                if key in served or key[0] in unique:
                    continue
                found.add(IndexCandidate(table=name, columns=key))
                extra = sorted(table_use.referenced - set(key))
                if (
                    covering
                    and catalog.dialect == "postgres"
                    and 0 < len(extra) <= 3
                    and len(key) >= 1
                    and (set(key) & {*table_use.equality, *table_use.range})
                ):
                    found.add(IndexCandidate(table=name, columns=key, include=tuple(extra)))
    return sorted(found)
