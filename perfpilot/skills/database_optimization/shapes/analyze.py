"""Per-shape SQL analysis: tables, predicate columns, joins, sort, grouping and paging of one statement."""

from __future__ import annotations

import sqlglot
import structlog
from sqlglot import exp
from sqlglot.errors import SqlglotError

from perfpilot.skills.database_optimization.shapes.models import (
    ColumnRef,
    JoinCondition,
    OrderColumn,
    ShapeAnalysis,
    ShapeDialect,
    TableRef,
)
from perfpilot.skills.database_optimization.shapes.walk import extract_into

log = structlog.get_logger(__name__)

__all__ = [
    "ColumnRef",
    "JoinCondition",
    "OrderColumn",
    "ShapeAnalysis",
    "ShapeDialect",
    "TableRef",
    "analyze_shape",
    "analyze_sql",
    "clear_shape_cache",
]

MAX_NESTING = 200
"""Parenthesis depth past which a statement is not parsed (the parser recurses once per level)."""
_CACHE_LIMIT = 4096
_ANALYSED = (exp.Query, exp.Insert, exp.Update, exp.Delete, exp.Merge)
_cache: dict[tuple[str, str], ShapeAnalysis] = {}


def nesting_depth(sql: str) -> int:
    """Deepest parenthesis nesting outside string literals (a cheap guard before parsing)."""
    depth = deepest = 0
    quote: str | None = None
    for char in sql:
        if quote:
            if char == quote:
                quote = None
        elif char in "'\"`":
            quote = char
        elif char == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif char == ")":
            depth = max(0, depth - 1)
    return deepest


def analyze_sql(sql: str, dialect: ShapeDialect = "postgres") -> ShapeAnalysis:
    """Parse one statement and extract its shape; never raises on bad SQL."""
    depth = nesting_depth(sql)
    if depth > MAX_NESTING:
        return ShapeAnalysis(parsed=False, dialect=dialect, error=f"nesting depth {depth} > {MAX_NESTING}")
    try:
        tree = sqlglot.parse_one(sql, read=dialect)
    except RecursionError:
        return ShapeAnalysis(parsed=False, dialect=dialect, error="statement nests too deeply to parse")
    except SqlglotError as err:
        return ShapeAnalysis(parsed=False, dialect=dialect, error=_first_line(err))
    if not isinstance(tree, _ANALYSED):
        kind = type(tree).__name__ if tree is not None else "empty"
        return ShapeAnalysis(parsed=False, dialect=dialect, error=f"not a query or DML statement ({kind})")
    analysis = ShapeAnalysis(dialect=dialect)
    try:
        extract_into(analysis, tree)
    except RecursionError:
        return ShapeAnalysis(parsed=False, dialect=dialect, error="statement nests too deeply to analyse")
    analysis.attach_tree(tree)
    return analysis


def analyze_shape(sql: str, dialect: ShapeDialect = "postgres", *, key: str | None = None) -> ShapeAnalysis:
    """Like analyze_sql, cached per (dialect, key); pass the shape's fingerprint as key."""
    cache_key = (dialect, key if key is not None else sql)
    cached = _cache.get(cache_key)
    if cached is not None:
        return cached
    analysis = analyze_sql(sql, dialect)
    if not analysis.parsed:
        log.debug("shape_unparsed", error=analysis.error, key=cache_key[1][:80])
    if len(_cache) >= _CACHE_LIMIT:
        _cache.pop(next(iter(_cache)))
    _cache[cache_key] = analysis
    return analysis


def clear_shape_cache() -> None:
    """Forget cached analyses (tests; long-running processes between targets)."""
    _cache.clear()


def _first_line(err: Exception) -> str:
    text = str(err).strip().splitlines()
    return (text[0] if text else type(err).__name__)[:300]
