"""Shape extraction per dialect, alias resolution, paging values, and unparsed statements."""

from __future__ import annotations

import pytest

from perfpilot.skills.database_optimization.shapes.analyze import (
    ColumnRef,
    JoinCondition,
    OrderColumn,
    analyze_shape,
    analyze_sql,
    clear_shape_cache,
)


def C(table: str, column: str) -> ColumnRef:
    return ColumnRef(table=table, column=column)


def test_postgres_select_with_join_resolves_aliases() -> None:
    shape = analyze_sql(
        "SELECT o.id, c.name FROM orders o JOIN customers c ON c.id = o.customer_id "
        "WHERE o.status = 'paid' AND o.created_at >= now() - interval '1 day' AND o.id IN (1, 2) "
        "AND c.name LIKE 'Ab%' ORDER BY o.created_at DESC LIMIT 10 OFFSET 2000",
        "postgres",
    )
    assert shape.parsed and shape.statement == "select"
    assert {(t.name, t.alias) for t in shape.tables} == {("orders", "o"), ("customers", "c")}
    assert shape.equality == [C("orders", "status")]
    assert shape.ranges == [C("orders", "created_at"), C("customers", "name")]
    assert shape.in_lists == [C("orders", "id")]
    assert shape.joins == [JoinCondition(left=C("customers", "id"),
                                         right=C("orders", "customer_id"))]
    assert shape.order_by == [OrderColumn(column=C("orders", "created_at"), descending=True)]
    assert not shape.select_star
    assert shape.select_columns == [C("orders", "id"), C("customers", "name")]
    assert (shape.limit, shape.offset) == (10, 2000)


def test_mysql_limit_offset_form_and_placeholders() -> None:
    sql = "SELECT * FROM orders WHERE customer_id = ? AND total BETWEEN 5 AND 9 LIMIT 40, 20"
    shape = analyze_sql(sql, "mysql")
    assert shape.parsed and shape.select_star
    assert shape.equality == [C("orders", "customer_id")]
    assert shape.ranges == [C("orders", "total")]
    assert (shape.limit, shape.offset) == (20, 40)


def test_sqlite_group_by_and_comma_join_predicate() -> None:
    shape = analyze_sql(
        "SELECT a.y, count(*) FROM a, b WHERE a.id = b.a_id AND a.x > 3 GROUP BY a.y ORDER BY a.y", "sqlite"
    )
    assert shape.parsed
    assert shape.joins == [JoinCondition(left=C("a", "id"), right=C("b", "a_id"))]
    assert shape.group_by == [C("a", "y")]
    assert shape.ranges == [C("a", "x")]
    assert shape.limit is None


def test_subquery_aliases_do_not_leak_and_ctes_are_not_tables() -> None:
    shape = analyze_sql(
        "WITH recent AS (SELECT * FROM orders o WHERE o.created_at > '2024-01-01') "
        "SELECT * FROM recent r JOIN customers o ON o.id = r.customer_id WHERE o.email = 'x'",
        "postgres",
    )
    assert shape.table_names() == ["customers", "orders"]
    assert C("customers", "email") in shape.equality
    assert C("orders", "created_at") in shape.ranges


def test_update_and_delete_predicates() -> None:
    update = analyze_sql("UPDATE orders SET status = 'x' WHERE customer_id = 7 AND created_at < '2020-01-01'")
    assert update.statement == "update"
    assert update.equality == [C("orders", "customer_id")]
    delete = analyze_sql("DELETE FROM sessions WHERE expires_at < 100", "sqlite")
    assert delete.statement == "delete" and delete.ranges == [C("sessions", "expires_at")]


@pytest.mark.parametrize("sql", ["SELEC id FRM t", "SELECT (", "VACUUM", ""])
def test_unparseable_statements_are_reported_not_raised(sql: str) -> None:
    shape = analyze_sql(sql, "postgres")
    assert not shape.parsed and shape.error


def test_deeply_nested_expression_is_refused_without_crashing() -> None:
    sql = "SELECT " + "(" * 5000 + "1" + ")" * 5000
    shape = analyze_sql(sql, "postgres")
    assert not shape.parsed and "nesting" in (shape.error or "")


def test_long_and_chain_parses_iteratively() -> None:
    sql = "SELECT id FROM t WHERE " + " AND ".join(f"c{i} = {i}" for i in range(3000))
    shape = analyze_sql(sql, "postgres")
    assert shape.parsed and len(shape.equality) == 3000


def test_cache_is_per_fingerprint_key() -> None:
    clear_shape_cache()
    first = analyze_shape("SELECT id FROM t WHERE a = 1", "postgres", key="fp-1")
    again = analyze_shape("SELECT id FROM t WHERE a = 2", "postgres", key="fp-1")
    other = analyze_shape("SELECT id FROM t WHERE a = 2", "sqlite", key="fp-1")
    assert again is first and other is not first


def test_quoted_and_schema_qualified_names_resolve() -> None:
    mysql = analyze_sql("SELECT `o`.`id` FROM `shop`.`orders` AS `o` WHERE `o`.`customer_id` = 5", "mysql")
    assert [(t.name, t.schema_name, t.alias) for t in mysql.tables] == [("orders", "shop", "o")]
    assert mysql.equality == [C("orders", "customer_id")]
    pg = analyze_sql('SELECT id FROM public.orders WHERE public.orders.status IN (\'a\', \'b\')', "postgres")
    assert pg.in_lists == [C("orders", "status")]


def test_unqualified_columns_in_joins_stay_unresolved() -> None:
    shape = analyze_sql("SELECT a FROM t1 JOIN t2 ON t1.id = t2.t1_id WHERE status = 'x'", "postgres")
    assert shape.equality == [ColumnRef(table=None, column="status")]
