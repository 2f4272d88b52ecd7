"""Regular-expression matches in WHERE (REGEXP, RLIKE, ~, ~*): no B-tree index serves them, so every
row is read and the expression evaluated on it."""

from __future__ import annotations

import re

from sqlglot import exp

from perfpilot.skills.database_optimization.antipatterns.model import AntiPattern
from perfpilot.skills.database_optimization.antipatterns.terms import (
    column_table,
    lone_column,
    predicate_nodes,
)
from perfpilot.skills.database_optimization.catalog.models import Catalog
from perfpilot.skills.database_optimization.shapes.models import ShapeAnalysis

CHECK_ID = "regex_match"

# A pattern that is only ^ and literal characters is a prefix match in disguise.
_LITERAL_PREFIX = re.compile(r"\^([A-Za-z0-9 _\-]+)")
_INDEX = {
    "postgres": "a trigram index, which serves ~ and ~*: CREATE EXTENSION IF NOT EXISTS pg_trgm; "
    "CREATE INDEX CONCURRENTLY ON {table} USING gin ({column} gin_trgm_ops)",
    "mysql": "a FULLTEXT index on {table}({column}) queried with MATCH ... AGAINST when the pattern is "
    "about words; MySQL has no index for arbitrary regular expressions",
    "sqlite": "an FTS5 table over {table}.{column} (tokenize='trigram') when the pattern is a substring; "
    "SQLite has no index for regular expressions",
}
_OPERATOR: dict[type[exp.Expr], str] = {
    exp.RegexpLike: "a regular-expression match",
    exp.RegexpILike: "a case-insensitive regular-expression match",
}


def check(analysis: ShapeAnalysis, catalog: Catalog | None) -> list[AntiPattern]:
    if analysis.tree is None:
        return []
    found: list[AntiPattern] = []
    for node in predicate_nodes(analysis.tree, exp.RegexpLike, exp.RegexpILike):
        column = lone_column(node.this)
        if column is None:
            continue
        name = column.name.lower()
        table = column_table(column, analysis)
        pattern = node.args.get("expression")
        text = str(pattern.this) if isinstance(pattern, exp.Literal) and pattern.is_string else None
        prefix = _LITERAL_PREFIX.fullmatch(text) if text is not None else None
        if prefix and isinstance(node, exp.RegexpLike):
            rewrite = (
                f"The pattern is a plain prefix: write {name} LIKE '{prefix.group(1)}%', which a B-tree "
                f"index on {name} serves"
                + (" (with text_pattern_ops, or the C collation)." if analysis.dialect == "postgres" else ".")
            )
        else:
            rewrite = "Use " + _INDEX[analysis.dialect].format(table=table or "<table>", column=name) + "."
        found.append(AntiPattern(
            check=CHECK_ID, severity="medium", table=table, columns=[name],
            detail=f"{_OPERATOR[type(node)].capitalize()} on {name} cannot use a B-tree index: every row is "
            "read and the pattern evaluated on it.",
            rewrite=rewrite,
        ))
    return found
