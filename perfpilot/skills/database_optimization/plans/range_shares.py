"""Range conditions as analyzed plans saw them: the share of rows a range on one column kept.

A scan in an EXPLAIN ANALYZE (or auto_explain with log_analyze) whose Filter is only a range on one
column of its table (`created_at >= ...`, or both ends joined by AND; no OR, no other column, the other
side a constant, parameter or expression) examined actual + removed rows and kept actual ones. That
measured share replaces the index heuristic's assumed one for a range on that column (indexes/heuristic.py).
The smallest share seen is kept, so one unselective value never rules an index out for a selective one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from perfpilot.evidence.models import ExplainPlan
from perfpilot.skills.database_optimization.catalog.models import Catalog
from perfpilot.skills.database_optimization.plans.estimates import SCAN_NODES
from perfpilot.skills.database_optimization.plans.rows import walk_plan

MIN_EXAMINED = 1000.0
"""Rows a scan must have examined for its share to say something about the column."""
_QUOTED = re.compile(r"'(?:[^']|'')*'")
_COMPARISON = re.compile(
    r"([A-Za-z_][\w$]*(?:\.[A-Za-z_][\w$]*)?)\)?\s*(<=|>=|<>|!=|=|<|>|~~\*?|!~~\*?)\s*(\S)"
)
_RANGE_OPERATORS = frozenset({"<", "<=", ">", ">="})
_CONSTANT_START = frozenset("'$-(0123456789")


def range_column(condition: str) -> str | None:
    """The one column a Filter compares by range operators with constants only, else None."""
    text = _QUOTED.sub("''", condition)
    if re.search(r"\b(OR|NOT|ANY|ALL|SubPlan)\b", text):
        return None
    comparisons: list[tuple[str, str, str]] = _COMPARISON.findall(text)
    columns = {name.rsplit(".", 1)[-1].lower() for name, _, _ in comparisons}
    if not comparisons or len(columns) != 1:
        return None
    if any(op not in _RANGE_OPERATORS or start not in _CONSTANT_START for _, op, start in comparisons):
        return None
    return columns.pop()


def observed_range_shares(plans: Iterable[ExplainPlan]) -> dict[tuple[str, str], float]:
    """{(table, column): the smallest share of examined rows a range Filter on the column kept}."""
    shares: dict[tuple[str, str], float] = {}
    for plan in plans:
        if not plan.analyzed:
            continue
        for node, _, rows, _ in walk_plan(plan.plan):
            relation, condition = node.get("Relation Name"), node.get("Filter")
            if node.get("Node Type") not in SCAN_NODES or not relation or not isinstance(condition, str):
                continue
            column = range_column(condition)
            if column is None or rows.actual_total is None:
                continue
            examined = rows.actual_total + rows.removed_total
            if examined < MIN_EXAMINED:
                continue
            key = (str(relation).lower(), column)
            shares[key] = min(shares.get(key, 1.0), rows.actual_total / examined)
    return shares


def with_range_shares(catalog: Catalog, plans: Iterable[ExplainPlan]) -> Catalog:
    """The catalog with each column's measured range share set (a copy; the same catalog if none)."""
    shares = observed_range_shares(plans)
    if not shares:
        return catalog
    updated = catalog.model_copy(deep=True)
    for (relation, column), share in shares.items():
        table = updated.table(relation)
        found = table.column(column) if table is not None else None
        if found is not None:
            found.range_share = share if found.range_share is None else min(found.range_share, share)
    return updated
