"""NOT IN (subquery): NULL-unsafe and often planned as a hashed or repeated subquery scan."""

from __future__ import annotations

from sqlglot import exp

from perfpilot.skills.database_optimization.antipatterns.model import AntiPattern
from perfpilot.skills.database_optimization.antipatterns.terms import column_table
from perfpilot.skills.database_optimization.catalog.models import Catalog
from perfpilot.skills.database_optimization.shapes.models import ShapeAnalysis
from perfpilot.skills.database_optimization.shapes.walk import scope_sources

CHECK_ID = "not_in_subquery"


def check(analysis: ShapeAnalysis, catalog: Catalog | None) -> list[AntiPattern]:
    if analysis.tree is None:
        return []
    found: list[AntiPattern] = []
    for node in analysis.tree.find_all(exp.Not):
        inner = node.this
        query = inner.args.get("query") if isinstance(inner, exp.In) else None
        if not isinstance(query, exp.Expr):
            continue
        outer = inner.this
        table = _outer_table(node, outer, analysis)
        found.append(AntiPattern(
            check=CHECK_ID, severity="medium", table=table,
            columns=[outer.name.lower()] if isinstance(outer, exp.Column) else [],
            detail="NOT IN over a subquery returns no rows at all when the subquery yields a NULL, and "
            "planners can rarely turn it into an anti-join.",
            rewrite="Use NOT EXISTS with a correlated predicate: NULL-safe, and planned as an anti-join.",
            rewrite_sql=_not_exists(node, outer, query, analysis.dialect),
        ))
    return found


def _outer_table(node: exp.Expr, outer: exp.Expr, analysis: ShapeAnalysis) -> str | None:
    if not isinstance(outer, exp.Column):
        return None
    if outer.table:
        return column_table(outer, analysis)
    sources = _sources(node.find_ancestor(exp.Select))
    return next(iter(sources.values())) if len(sources) == 1 else None


def _sources(select: exp.Select | None) -> dict[str, str | None]:
    return scope_sources(select, set()) if select is not None else {}


def _not_exists(node: exp.Expr, outer: exp.Expr, query: exp.Expr, dialect: str) -> str | None:
    """NOT EXISTS (SELECT 1 ... AND inner.col = outer.col), with both sides qualified so it is unambiguous."""
    select = query.this if isinstance(query, exp.Subquery) else query
    if not isinstance(select, exp.Select) or len(select.expressions) != 1:
        return None
    projected = select.expressions[0]
    projected = projected.this if isinstance(projected, exp.Alias) else projected
    if not isinstance(projected, exp.Column) or not isinstance(outer, exp.Column):
        return None
    if select.args.get("group") or select.args.get("limit"):
        return None
    inner_aliases, outer_aliases = list(_sources(select)), list(_sources(node.find_ancestor(exp.Select)))
    inner_q = projected.table or (inner_aliases[0] if len(inner_aliases) == 1 else "")
    outer_q = outer.table or (outer_aliases[0] if len(outer_aliases) == 1 else "")
    if not inner_q or not outer_q or inner_q.lower() == outer_q.lower():
        return None
    correlated = select.copy()
    correlated.set("expressions", [exp.Literal.number(1)])
    condition = exp.EQ(
        this=exp.column(projected.name, table=inner_q), expression=exp.column(outer.name, table=outer_q)
    )
    correlated = correlated.where(condition, copy=False)
    return exp.Not(this=exp.Exists(this=correlated)).sql(dialect)
