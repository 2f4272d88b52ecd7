"""The batched form of an N+1 query: one IN-list query, or a JOIN with the parent query's table."""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from perfpilot.skills.database_optimization.catalog.models import Catalog
from perfpilot.skills.database_optimization.shapes.analyze import analyze_sql
from perfpilot.skills.database_optimization.shapes.models import ShapeAnalysis, ShapeDialect


@dataclass(frozen=True)
class BatchRewrite:
    """How to replace N per-row queries with one."""

    description: str
    sql: str | None = None


def singular(name: str) -> str:
    if name.endswith("ies"):
        return name[:-3] + "y"
    return name[:-1] if name.endswith("s") and not name.endswith("ss") else name


def batch_rewrite(
    repeated_sql: str, parent_sql: str | None, dialect: ShapeDialect, catalog: Catalog | None = None
) -> BatchRewrite:
    """Prefer a JOIN with the parent query when the key relation can be inferred, else an IN list."""
    child = analyze_sql(repeated_sql, dialect)
    tree = child.tree
    if not child.parsed or not isinstance(tree, exp.Select) or len(child.tables) != 1:
        return BatchRewrite("Load the rows for all parent keys in one query (WHERE key IN (...)) or with a "
                            "JOIN on the parent query, then group them in the application.")
    table = child.tables[0].name
    equality = _key_equality(tree)
    if equality is None:
        return BatchRewrite(f"Fetch the {table} rows for all parents in one query and group them in the "
                            "application instead of one query per parent row.")
    key = equality.this.name.lower()
    joined = _join_rewrite(tree, table, key, parent_sql, dialect, catalog)
    if joined is not None:
        return joined
    batched = tree.copy()
    target = _key_equality(batched)
    assert target is not None
    target.replace(exp.In(this=target.this.copy(), expressions=[exp.var(f":{key}_list")]))
    _ensure_selected(batched, key)
    return BatchRewrite(
        f"Collect the parent keys and run one query with {key} IN (...) (chunks of ~500), then "
        f"group the {table} rows by {key} in the application.",
        batched.sql(dialect),
    )


def _key_equality(tree: exp.Select) -> exp.EQ | None:
    """The `column = value` term of the WHERE that varies per parent row (the first one)."""
    where = tree.args.get("where")
    if not isinstance(where, exp.Where):
        return None
    for node in where.find_all(exp.EQ):
        left, right = node.this, node.expression
        if isinstance(left, exp.Column) and not right.find(exp.Column):
            return node
    return None


def _ensure_selected(tree: exp.Select, column: str) -> None:
    names = {e.alias_or_name.lower() for e in tree.expressions}
    if not any(isinstance(e, exp.Star) for e in tree.expressions) and column.lower() not in names:
        tree.select(exp.column(column), copy=False)


def _join_rewrite(
    child: exp.Select, table: str, key: str, parent_sql: str | None, dialect: ShapeDialect,
    catalog: Catalog | None,
) -> BatchRewrite | None:
    if parent_sql is None:
        return None
    parent = analyze_sql(parent_sql, dialect)
    if not parent.parsed or not isinstance(parent.tree, exp.Select) or len(parent.tables) != 1:
        return None
    ptable = parent.tables[0]
    if ptable.name == table:
        return None
    pname = ptable.alias or ptable.name
    if key in (f"{singular(ptable.name)}_id", f"{ptable.name}_id"):
        child_key, parent_key = key, "id"
    elif key == "id" and _has_column(catalog, ptable.name, f"{singular(table)}_id", parent):
        child_key, parent_key = "id", f"{singular(table)}_id"
    else:
        return None
    condition = exp.EQ(
        this=exp.column(child_key, table=table), expression=exp.column(parent_key, table=pname)
    )
    on = condition.sql(dialect)
    joined = parent.tree.copy()
    for column in joined.find_all(exp.Column):
        if not column.table:
            column.set("table", exp.to_identifier(pname))
    child_columns = [_qualified(e, table) for e in child.expressions]
    joined.set("expressions", [exp.column("id", table=pname), *child_columns])
    joined = joined.join(exp.to_table(table), on=condition, copy=False)
    return BatchRewrite(
        f"Fetch the {table} rows together with the parent rows in one query: JOIN {table} ON {on}, "
        "instead of one query per parent row.",
        joined.sql(dialect),
    )


def _qualified(expression: exp.Expr, table: str) -> exp.Expr:
    if isinstance(expression, exp.Star):
        return exp.Column(this=exp.Star(), table=exp.to_identifier(table))
    copy = expression.copy()
    for column in copy.find_all(exp.Column):
        if not column.table:
            column.set("table", exp.to_identifier(table))
    return copy


def _has_column(catalog: Catalog | None, table: str, column: str, parent: ShapeAnalysis) -> bool:
    found = catalog.table(table) if catalog is not None else None
    if found is not None:
        return found.column(column) is not None
    return column in {c.column for c in parent.select_columns}
