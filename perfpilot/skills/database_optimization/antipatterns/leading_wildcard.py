"""LIKE/ILIKE with a leading wildcard: a B-tree index cannot serve it, so every row is read."""

from __future__ import annotations

from sqlglot import exp

from perfpilot.skills.database_optimization.antipatterns.model import AntiPattern
from perfpilot.skills.database_optimization.antipatterns.terms import (
    column_table,
    lone_column,
    predicate_nodes,
)
from perfpilot.skills.database_optimization.catalog.models import Catalog
from perfpilot.skills.database_optimization.shapes.models import ShapeAnalysis

CHECK_ID = "leading_wildcard_like"

_SUBSTRING = {
    "postgres": "a trigram index: CREATE EXTENSION IF NOT EXISTS pg_trgm; "
    "CREATE INDEX CONCURRENTLY ON {table} USING gin ({column} gin_trgm_ops) (serves LIKE and ILIKE)",
    "mysql": "a FULLTEXT index on {table}({column}) queried with "
    "MATCH({column}) AGAINST (... IN BOOLEAN MODE) "
    "(word search, not arbitrary substrings)",
    "sqlite": "an FTS5 virtual table over {table}.{column} with tokenize='trigram' (SQLite >= 3.34) "
    "queried with MATCH",
}
_SUFFIX = {
    "postgres": "a reverse index: CREATE INDEX CONCURRENTLY ON {table} (reverse({column}) text_pattern_ops) "
    "and WHERE reverse({column}) LIKE reverse('<suffix>') || '%'",
    "mysql": "a stored generated column REVERSE({column}) with an index, queried with LIKE "
    "CONCAT(REVERSE('<suffix>'), '%')",
    "sqlite": "a column holding the reversed value with an index, queried with LIKE '<reversed suffix>%'",
}


def check(analysis: ShapeAnalysis, catalog: Catalog | None) -> list[AntiPattern]:
    if analysis.tree is None:
        return []
    found: list[AntiPattern] = []
    for node in predicate_nodes(analysis.tree, exp.Like, exp.ILike):
        pattern = node.args.get("expression")
        head, tail = _edge_text(pattern, first=True), _edge_text(pattern, first=False)
        if head is None or head[:1] not in ("%", "_"):
            continue
        column = lone_column(node.this)
        if column is None:
            continue
        table = column_table(column, analysis) or "<table>"
        suffix_only = tail is not None and not tail.endswith("%")
        advice = (_SUFFIX if suffix_only else _SUBSTRING)[analysis.dialect]
        found.append(AntiPattern(
            check=CHECK_ID, severity="medium", table=None if table == "<table>" else table,
            columns=[column.name.lower()],
            detail=f"{'ILIKE' if isinstance(node, exp.ILike) else 'LIKE'} pattern starts with a wildcard, so "
            f"no B-tree index on {column.name.lower()} can be used and every row is compared.",
            rewrite="Use " + advice.format(table=table, column=column.name.lower()) + ".",
        ))
    return found


def _edge_text(pattern: object, *, first: bool) -> str | None:
    """The string literal at the start (or end) of a pattern, looking through || and CONCAT()."""
    node = pattern
    while True:
        if isinstance(node, exp.Literal) and node.is_string:
            return str(node.this)
        if isinstance(node, exp.DPipe):
            node = node.this if first else node.expression
        elif isinstance(node, exp.Concat) and node.expressions:
            node = node.expressions[0 if first else -1]
        else:
            return None
