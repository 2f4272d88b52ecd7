"""Cartesian joins: a join without a condition multiplies the row counts of its inputs."""

from __future__ import annotations

from sqlglot import exp

from perfpilot.skills.database_optimization.antipatterns.model import AntiPattern
from perfpilot.skills.database_optimization.catalog.models import Catalog
from perfpilot.skills.database_optimization.shapes.models import ShapeAnalysis
from perfpilot.skills.database_optimization.shapes.walk import conjuncts

CHECK_ID = "cartesian_join"


def check(analysis: ShapeAnalysis, catalog: Catalog | None) -> list[AntiPattern]:
    if analysis.tree is None:
        return []
    found: list[AntiPattern] = []
    for select in analysis.tree.find_all(exp.Select):
        terms = conjuncts(select.args.get("where"))
        for join in select.args.get("joins") or []:
            joined = join.this
            if not isinstance(joined, exp.Table) or join.args.get("using"):
                continue
            on = join.args.get("on")
            if on is not None and on.find(exp.Column) is not None:
                continue
            alias = joined.alias_or_name.lower()
            if on is None and any(_connects(term, alias) for term in terms):
                continue
            found.append(AntiPattern(
                check=CHECK_ID, severity="high", table=joined.name.lower(),
                detail=f"{joined.name.lower()} is joined without a condition linking it to the other tables, "
                "so every row pairs with every other row (a cartesian product).",
                rewrite=f"Add the join condition, e.g. JOIN {joined.name.lower()} ON {alias}.<key> = "
                "<other>.<foreign key>; if the cross product is intended, bound both sides first.",
            ))
    return found


def _connects(term: exp.Expr, alias: str) -> bool:
    """Whether a WHERE term relates the joined table to another table (unqualified columns count)."""
    columns = list(term.find_all(exp.Column))
    if len(columns) < 2:
        return False
    qualifiers = {c.table.lower() for c in columns}
    return "" in qualifiers or (alias in qualifiers and len(qualifiers) > 1)
