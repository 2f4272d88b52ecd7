"""Shared reading of a parsed statement for the checks: WHERE terms and the table a column belongs to."""

from __future__ import annotations

from collections.abc import Iterator

from sqlglot import exp

from perfpilot.skills.database_optimization.catalog.models import Catalog, Table
from perfpilot.skills.database_optimization.shapes.models import ShapeAnalysis


def predicate_nodes(tree: exp.Expr, *types: type[exp.Expr]) -> Iterator[exp.Expr]:
    """Every node of the given types inside any WHERE or JOIN ON (under AND, OR or NOT), once each."""
    seen: set[int] = set()
    roots: list[exp.Expr] = list(tree.find_all(exp.Where))
    roots.extend(on for join in tree.find_all(exp.Join) if isinstance(on := join.args.get("on"), exp.Expr))
    for root in roots:
        for node in root.find_all(*types):
            if id(node) not in seen:
                seen.add(id(node))
                yield node


def column_table(column: exp.Column, analysis: ShapeAnalysis) -> str | None:
    """The base table of a column: its qualifier resolved, or the only table of the statement."""
    if column.table:
        return analysis.resolve(column.table)
    names = analysis.table_names()
    return names[0] if len(names) == 1 else None


def catalog_table(catalog: Catalog | None, name: str | None) -> Table | None:
    return catalog.table(name) if catalog is not None and name else None


def indexed_columns(table: Table) -> set[str]:
    """Plain columns that appear in any index of the table."""
    return {c.lower() for index in table.indexes for c in index.columns}


def lone_column(node: exp.Expr) -> exp.Column | None:
    """The only column inside an expression, or None when there are none or several."""
    columns = list(node.find_all(exp.Column))
    return columns[0] if len(columns) == 1 else None
