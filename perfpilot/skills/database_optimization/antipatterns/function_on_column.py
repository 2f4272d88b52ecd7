"""A function or cast wrapped around an indexed column in WHERE: the index on the bare column is unusable."""

from __future__ import annotations

from datetime import date, timedelta

from sqlglot import exp

from perfpilot.skills.database_optimization.antipatterns.model import AntiPattern
from perfpilot.skills.database_optimization.antipatterns.terms import (
    catalog_table,
    column_table,
    indexed_columns,
    lone_column,
    predicate_nodes,
)
from perfpilot.skills.database_optimization.catalog.models import Catalog
from perfpilot.skills.database_optimization.shapes.models import ShapeAnalysis

CHECK_ID = "function_on_indexed_column"

_COMPARISONS = (exp.EQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.Between, exp.In, exp.Like)
_DATE_FUNCS = (exp.Date, exp.TsOrDsToDate)


def check(analysis: ShapeAnalysis, catalog: Catalog | None) -> list[AntiPattern]:
    if analysis.tree is None:
        return []
    found: list[AntiPattern] = []
    for term in predicate_nodes(analysis.tree, *_COMPARISONS):
        wrapped = term.this
        if not isinstance(wrapped, exp.Func) or isinstance(wrapped, exp.AggFunc):
            continue
        column = lone_column(wrapped)
        if column is None:
            continue
        table_name = column_table(column, analysis)
        table = catalog_table(catalog, table_name)
        name = column.name.lower()
        expression_sql = wrapped.sql(analysis.dialect).lower()
        if table is not None:
            if name not in indexed_columns(table) or expression_sql in indexed_columns(table):
                continue
            severity, known = "medium", f"{table.name}.{name} is indexed, but"
        elif catalog is not None and table_name is not None:
            continue
        else:
            severity, known = "low", f"if {name} is indexed,"
        rewrite, rewrite_sql = _rewrite(term, wrapped, column, table_name or "<table>", analysis.dialect)
        found.append(AntiPattern(
            check=CHECK_ID, severity=severity, table=table_name, columns=[name],
            detail=f"{known} the comparison wraps it in {wrapped.sql(analysis.dialect)}, so the index on the "
            "bare column cannot be used (the predicate is not sargable).",
            rewrite=rewrite, rewrite_sql=rewrite_sql,
        ))
    return found


def _rewrite(
    term: exp.Expr, wrapped: exp.Func, column: exp.Column, table: str, dialect: str
) -> tuple[str, str | None]:
    day = _day_literal(term)
    is_date = isinstance(wrapped, _DATE_FUNCS) or (
        isinstance(wrapped, exp.Cast) and wrapped.to.is_type(exp.DataType.Type.DATE)
    )
    if is_date and isinstance(term, exp.EQ) and day is not None:
        col = column.sql(dialect)
        following = (day + timedelta(days=1)).isoformat()
        return (
            "Compare the bare column with a half-open range of the day so the index on it is used.",
            f"{col} >= '{day.isoformat()}' AND {col} < '{following}'",
        )
    expression = wrapped.sql(dialect)
    index = f"CREATE INDEX ON {table} (({expression}))" if dialect == "mysql" else (
        f"CREATE INDEX ON {table} ({expression})"
    )
    return (
        f"Move the function to the constant side when it has an inverse, or add an expression index "
        f"matching the predicate exactly: {index}.",
        None,
    )


def _day_literal(term: exp.Expr) -> date | None:
    value = term.args.get("expression")
    if isinstance(value, exp.Literal) and value.is_string:
        try:
            return date.fromisoformat(value.this)
        except ValueError:
            return None
    return None
