"""Query anti-pattern checks: one per module, run in the order of the CHECKS registry."""

from __future__ import annotations

from perfpilot.skills.database_optimization.antipatterns import (
    cartesian_join,
    function_on_column,
    large_offset,
    leading_wildcard,
    not_in_subquery,
    or_across_columns,
    order_by_random,
    regex_match,
    select_star,
    unbounded_read,
)
from perfpilot.skills.database_optimization.antipatterns.model import AntiPattern, Check, Severity
from perfpilot.skills.database_optimization.catalog.models import Catalog
from perfpilot.skills.database_optimization.shapes.models import ShapeAnalysis

CHECKS: tuple[tuple[str, Check], ...] = (
    (cartesian_join.CHECK_ID, cartesian_join.check),
    (leading_wildcard.CHECK_ID, leading_wildcard.check),
    (regex_match.CHECK_ID, regex_match.check),
    (function_on_column.CHECK_ID, function_on_column.check),
    (or_across_columns.CHECK_ID, or_across_columns.check),
    (not_in_subquery.CHECK_ID, not_in_subquery.check),
    (large_offset.CHECK_ID, large_offset.check),
    (unbounded_read.CHECK_ID, unbounded_read.check),
    (order_by_random.CHECK_ID, order_by_random.check),
    (select_star.CHECK_ID, select_star.check),
)
"""(check id, check) in the order they run; add a check by adding a module and a line here."""


def run_checks(analysis: ShapeAnalysis, catalog: Catalog | None = None) -> list[AntiPattern]:
    """Every anti-pattern the registered checks find in one analysed shape (none when it did not parse)."""
    if not analysis.parsed:
        return []
    found: list[AntiPattern] = []
    for _, check in CHECKS:
        found.extend(check(analysis, catalog))
    return found


__all__ = ["CHECKS", "AntiPattern", "Check", "Severity", "run_checks"]
