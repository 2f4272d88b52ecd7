"""Walks a parsed statement scope by scope, filling a ShapeAnalysis (aliases resolved per scope)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TypeVar

from sqlglot import exp

from perfpilot.skills.database_optimization.shapes.models import (
    ColumnRef,
    JoinCondition,
    OrderColumn,
    ShapeAnalysis,
    TableRef,
)

Aliases = dict[str, str | None]
"""alias (or bare name) -> base table name; None for derived tables and CTEs."""

Item = TypeVar("Item", ColumnRef, JoinCondition, OrderColumn)
_SCOPES = (exp.Select, exp.Update, exp.Delete)
_RANGE_OPS = (exp.GT, exp.GTE, exp.LT, exp.LTE)


def extract_into(analysis: ShapeAnalysis, tree: exp.Expr) -> None:
    """Fill `analysis` from `tree` (the statement sqlglot parsed)."""
    analysis.statement = statement_kind(tree)
    ctes = {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}
    analysis.tables = _base_tables(tree, ctes)
    own: dict[int, Aliases] = {}
    for node in tree.find_all(*_SCOPES):
        aliases = _visible_aliases(node, ctes, own)
        _scan_predicates(analysis, node.args.get("where"), aliases, node, ctes)
        for join in node.args.get("joins") or []:
            _scan_predicates(analysis, join.args.get("on"), aliases, node, ctes)
        _scan_sort(analysis, node, aliases, ctes)
    for top in top_level_selects(tree):
        aliases = _visible_aliases(top, ctes, own)
        if any(isinstance(e, exp.Star) or (isinstance(e, exp.Column) and e.is_star) for e in top.expressions):
            analysis.select_star = True
        for column in (c for e in top.expressions for c in e.find_all(exp.Column) if not c.is_star):
            _add(analysis.select_columns, _resolve(column, aliases, top, ctes))
        analysis.has_where = analysis.has_where or top.args.get("where") is not None
    for name in ("equality", "ranges", "in_lists", "joins", "order_by", "group_by", "select_columns"):
        setattr(analysis, name, list(dict.fromkeys(getattr(analysis, name))))
    analysis.limit = _int_value(tree.args.get("limit"))
    analysis.offset = _int_value(tree.args.get("offset"))


def statement_kind(tree: exp.Expr) -> str:
    if isinstance(tree, exp.Select | exp.SetOperation):
        return "select"
    return type(tree).__name__.lower()


def top_level_selects(tree: exp.Expr) -> Iterator[exp.Select]:
    """The SELECTs whose rows the statement returns (the branches of a UNION, or the statement itself)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, exp.Select):
            yield node
        elif isinstance(node, exp.SetOperation):
            stack.extend(n for n in (node.this, node.expression) if isinstance(n, exp.Expr))
        elif isinstance(node, exp.Subquery) and isinstance(node.this, exp.Expr):
            stack.append(node.this)


def scope_sources(node: exp.Expr, ctes: set[str]) -> Aliases:
    """The tables (and derived tables) a SELECT/UPDATE/DELETE names itself, by alias."""
    sources: Aliases = {}
    items: list[exp.Expr] = []
    if isinstance(node, exp.Update | exp.Delete) and isinstance(node.this, exp.Expr):
        items.append(node.this)
    from_ = node.args.get("from_")
    if isinstance(from_, exp.From):
        items.append(from_.this)
    items.extend(j.this for j in node.args.get("joins") or [])
    for item in items:
        if isinstance(item, exp.Table) and item.name:
            name = item.name.lower()
            sources[item.alias_or_name.lower()] = None if name in ctes and not item.db else name
        elif item.alias_or_name:
            sources[item.alias_or_name.lower()] = None
    return sources


def _visible_aliases(node: exp.Expr, ctes: set[str], own: dict[int, Aliases]) -> Aliases:
    chain = [node]
    parent = node.parent
    while parent is not None:
        if isinstance(parent, _SCOPES):
            chain.append(parent)
        parent = parent.parent
    visible: Aliases = {}
    for scope in reversed(chain):
        if id(scope) not in own:
            own[id(scope)] = scope_sources(scope, ctes)
        visible.update(own[id(scope)])
    return visible


def _base_tables(tree: exp.Expr, ctes: set[str]) -> list[TableRef]:
    seen: dict[tuple[str, str | None], TableRef] = {}
    for table in tree.find_all(exp.Table):
        name = table.name.lower()
        if not name or (name in ctes and not table.db) or not isinstance(table.this, exp.Identifier):
            continue
        alias = table.alias.lower() or None
        seen.setdefault((name, alias), TableRef(name=name, schema_name=table.db or None, alias=alias))
    return list(seen.values())


def _resolve(column: exp.Column, aliases: Aliases, scope: exp.Expr, ctes: set[str]) -> ColumnRef:
    name = column.name.lower()
    qualifier = column.table.lower()
    if qualifier:
        return ColumnRef(table=aliases.get(qualifier, qualifier), column=name)
    own = list(scope_sources(scope, ctes).values())
    return ColumnRef(table=own[0] if len(own) == 1 else None, column=name)


def conjuncts(condition: exp.Expr | None) -> list[exp.Expr]:
    """The AND-ed terms of a condition, unwrapping parentheses (iteratively: chains may be long)."""
    out: list[exp.Expr] = []
    stack = [condition.this if isinstance(condition, exp.Where) else condition]
    while stack:
        node = stack.pop()
        if node is None:
            continue
        if isinstance(node, exp.And):
            stack.extend([node.expression, node.this])
        elif isinstance(node, exp.Paren):
            stack.append(node.this)
        else:
            out.append(node)
    return out


def _scan_predicates(
    analysis: ShapeAnalysis, condition: exp.Expr | None, aliases: Aliases, scope: exp.Expr,
    ctes: set[str],
) -> None:
    for term in conjuncts(condition):
        left, right = term.this, term.args.get("expression")
        if isinstance(term, exp.EQ | exp.NullSafeEQ):
            if isinstance(left, exp.Column) and isinstance(right, exp.Column):
                a, b = _resolve(left, aliases, scope, ctes), _resolve(right, aliases, scope, ctes)
                if a.table != b.table or left.table.lower() != right.table.lower():
                    _add(analysis.joins, JoinCondition(left=a, right=b))
                continue
            column = _column_side(left, right)
            if column is not None:
                _add(analysis.equality, _resolve(column, aliases, scope, ctes))
        elif isinstance(term, exp.Is) and isinstance(left, exp.Column):
            _add(analysis.equality, _resolve(left, aliases, scope, ctes))
        elif isinstance(term, _RANGE_OPS):
            column = _column_side(left, right)
            if column is not None:
                _add(analysis.ranges, _resolve(column, aliases, scope, ctes))
        elif isinstance(left, exp.Column) and (
            isinstance(term, exp.Between) or (isinstance(term, exp.Like) and _is_prefix_pattern(right))
        ):
            _add(analysis.ranges, _resolve(left, aliases, scope, ctes))
        elif isinstance(term, exp.In) and isinstance(left, exp.Column):
            _add(analysis.in_lists, _resolve(left, aliases, scope, ctes))


def _scan_sort(analysis: ShapeAnalysis, node: exp.Expr, aliases: Aliases, ctes: set[str]) -> None:
    order = node.args.get("order")
    if isinstance(order, exp.Order):
        for item in order.expressions:
            if isinstance(item, exp.Ordered) and isinstance(item.this, exp.Column):
                ref = _resolve(item.this, aliases, node, ctes)
                _add(analysis.order_by, OrderColumn(column=ref, descending=bool(item.args.get("desc"))))
    group = node.args.get("group")
    if isinstance(group, exp.Group):
        for item in group.expressions:
            if isinstance(item, exp.Column):
                _add(analysis.group_by, _resolve(item, aliases, node, ctes))


def _column_side(left: object, right: object) -> exp.Column | None:
    """The bare column compared with a value (either side), or None."""
    if isinstance(left, exp.Column) and isinstance(right, exp.Expr) and not right.find(exp.Column):
        return left
    if isinstance(right, exp.Column) and isinstance(left, exp.Expr) and not left.find(exp.Column):
        return right
    return None


def _is_prefix_pattern(pattern: object) -> bool:
    if isinstance(pattern, exp.Literal) and pattern.is_string:
        return bool(pattern.this) and pattern.this[0] not in "%_"
    return isinstance(pattern, exp.Placeholder | exp.Parameter)


def _int_value(node: object) -> int | None:
    value = node.args.get("expression") if isinstance(node, exp.Limit | exp.Offset) else None
    if isinstance(value, exp.Literal) and not value.is_string:
        try:
            return int(value.this)
        except ValueError:
            return None
    return None


def _add(items: list[Item], item: Item) -> None:
    """Append; duplicates are dropped once at the end of extract_into (records are hashable)."""
    items.append(item)
