"""OR between predicates on different columns: one index cannot serve it, so the planner often scans."""

from __future__ import annotations

from sqlglot import exp

from perfpilot.skills.database_optimization.antipatterns.model import AntiPattern
from perfpilot.skills.database_optimization.antipatterns.terms import column_table
from perfpilot.skills.database_optimization.catalog.models import Catalog
from perfpilot.skills.database_optimization.shapes.models import ShapeAnalysis

CHECK_ID = "or_across_columns"

_SEPARATE = {
    "postgres": "PostgreSQL can combine one index per column with a BitmapOr",
    "mysql": "MySQL can combine one index per column with index_merge union",
    "sqlite": "SQLite can use one index per OR term (the OR-by-union optimisation)",
}


def check(analysis: ShapeAnalysis, catalog: Catalog | None) -> list[AntiPattern]:
    tree = analysis.tree
    if tree is None:
        return []
    found: list[AntiPattern] = []
    ors = [node for node in tree.find_all(exp.Or) if not _inside_or(node) and node.find_ancestor(exp.Where)]
    for position, node in enumerate(ors):
        branches = disjuncts(node)
        columns = [{c.name.lower() for c in b.find_all(exp.Column)} for b in branches]
        if any(not cols for cols in columns) or len(set().union(*columns)) < 2 or _same_single(columns):
            continue
        names = sorted(set().union(*columns))
        first = next(iter(node.find_all(exp.Column)))
        table = column_table(first, analysis)
        found.append(AntiPattern(
            check=CHECK_ID, severity="medium", table=table, columns=names,
            detail=f"OR across different columns ({', '.join(names)}): no single index serves the whole "
            "condition, so the planner may read the table.",
            rewrite=f"Split into one query per OR branch combined with UNION (or UNION ALL with the earlier "
            f"branches negated), each served by its own index; or index each column separately "
            f"({_SEPARATE[analysis.dialect]}).",
            rewrite_sql=_union(tree, position, branches, analysis.dialect),
        ))
    return found


def disjuncts(node: exp.Expr) -> list[exp.Expr]:
    """The OR-ed branches of a condition, unwrapping parentheses (iteratively)."""
    out: list[exp.Expr] = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, exp.Or):
            stack.extend([item.expression, item.this])
        elif isinstance(item, exp.Paren) and isinstance(item.this, exp.Or):
            stack.append(item.this)
        else:
            out.append(item)
    return out


def _inside_or(node: exp.Expr) -> bool:
    parent = node.parent
    while isinstance(parent, exp.Paren):
        parent = parent.parent
    return isinstance(parent, exp.Or)


def _same_single(columns: list[set[str]]) -> bool:
    return all(len(c) == 1 for c in columns) and len(set().union(*columns)) == 1


def _union(tree: exp.Expr, position: int, branches: list[exp.Expr], dialect: str) -> str | None:
    if not isinstance(tree, exp.Select) or len(branches) > 8:
        return None
    if any(tree.args.get(key) for key in ("order", "limit", "offset", "group")):
        return None
    parts: list[exp.Select] = []
    for branch in branches:
        copy = tree.copy()
        target = [n for n in copy.find_all(exp.Or) if not _inside_or(n) and n.find_ancestor(exp.Where)]
        target[position].replace(branch.copy())
        parts.append(copy)
    union: exp.Expr = parts[0]
    for part in parts[1:]:
        union = exp.union(union, part, distinct=True)
    return union.sql(dialect)
