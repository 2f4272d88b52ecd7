"""Index keys as text: a bare column name, or an expression over one column (`lower(email)`).

One canonical spelling lets a key from a query, from a DDL file and from pg_get_indexdef compare
equal: parsed with sqlglot, casts dropped (PostgreSQL writes `lower((email)::text)` for a varchar
column), column qualifiers dropped, lower case.
"""

from __future__ import annotations

import re
from functools import lru_cache

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

_BARE = re.compile(r"^[a-z_][a-z0-9_$]*$")


def expression_key(node: exp.Expr, dialect: str) -> str:
    """The canonical text of an expression used as an index key."""
    copy = node.copy()
    for cast in list(copy.find_all(exp.Cast)):
        cast.replace(cast.this)
    for paren in list(copy.find_all(exp.Paren)):
        if isinstance(paren.this, exp.Column | exp.Literal):
            paren.replace(paren.this)
    for column in copy.find_all(exp.Column):
        column.set("table", None)
        column.set("db", None)
    while isinstance(copy, exp.Paren):
        copy = copy.this
    return copy.sql(dialect).lower()


@lru_cache(maxsize=4096)
def canonical_key(text: str, dialect: str = "postgres") -> str:
    """`text` (a column name or an index expression, as a catalog stores it) in canonical form."""
    lowered = text.strip().lower()
    if _BARE.match(lowered):
        return lowered
    try:
        parsed = sqlglot.parse_one(text, read=dialect)
    except (SqlglotError, RecursionError):
        return lowered
    return expression_key(parsed, dialect) if parsed is not None else lowered


def is_expression(key: str) -> bool:
    return not _BARE.match(key)


def key_sql(key: str, dialect: str) -> str:
    """A key as CREATE INDEX takes it: MySQL wants an expression in its own parentheses."""
    return f"({key})" if dialect == "mysql" and is_expression(key) else key


def key_label(key: str) -> str:
    """A key fit for an index name: `lower(email)` -> `lower_email`."""
    return re.sub(r"[^a-z0-9]+", "_", key.lower()).strip("_") if is_expression(key) else key


@lru_cache(maxsize=1024)
def key_column(key: str) -> str | None:
    """The one column an expression key is over (`lower(email)` -> `email`); the key itself when bare."""
    if not is_expression(key):
        return key
    try:
        parsed = sqlglot.parse_one(key)
    except (SqlglotError, RecursionError):
        return None
    columns = {c.name.lower() for c in parsed.find_all(exp.Column)} if parsed is not None else set()
    return columns.pop() if len(columns) == 1 else None
