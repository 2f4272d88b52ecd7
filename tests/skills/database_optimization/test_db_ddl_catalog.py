"""catalog_from_ddl: tables, columns, primary keys, unique constraints and indexes; clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfpilot.skills.database_optimization.api import DdlError, catalog_from_ddl

SCHEMA = Path(__file__).resolve().parents[2] / "fixtures" / "database_optimization" / "schema.sql"


@pytest.mark.parametrize("dialect", ["postgres", "mysql", "sqlite"])
def test_schema_fixture_reads_in_every_dialect(dialect: str) -> None:
    catalog = catalog_from_ddl(SCHEMA, dialect)  # type: ignore[arg-type]
    assert [t.name for t in catalog.tables] == ["customers", "orders", "order_items", "products"]
    orders = catalog.table("orders")
    assert orders is not None and len(orders.columns) == 10
    assert {i.name: i.columns for i in orders.indexes} == {
        "orders_pkey": ["id"], "idx_orders_created_at": ["created_at"],
    }
    customers = catalog.table("customers")
    assert customers is not None
    assert {tuple(i.columns): (i.unique, i.primary) for i in customers.indexes} == {
        ("id",): (True, True), ("email",): (True, False),
    }
    items = catalog.table("order_items")
    assert items is not None and ("order_id", "product_id") in items.leading_index_columns()
    assert catalog.source == f"ddl:{SCHEMA}"


def test_postgres_index_details_and_alter_primary_key(tmp_path: Path) -> None:
    ddl = tmp_path / "schema.sql"
    ddl.write_text(
        "CREATE TABLE public.events (id bigint, kind text DEFAULT 'a;b', at timestamptz);\n"
        "ALTER TABLE ONLY public.events ADD CONSTRAINT events_pk PRIMARY KEY (id);\n"
        "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ev_kind ON events USING btree (kind, at DESC) "
        "INCLUDE (id) WHERE kind <> 'x';\n"
        "CREATE INDEX ev_lower ON events (lower(kind));\n"
        "CREATE EXTENSION IF NOT EXISTS pg_trgm;\n"
    )
    table = catalog_from_ddl(ddl, "postgres").table("events")
    assert table is not None
    by_name = {i.name: i for i in table.indexes}
    assert by_name["events_pk"].primary and by_name["events_pk"].columns == ["id"]
    assert by_name["ev_kind"].columns == ["kind", "at"] and by_name["ev_kind"].include == ["id"]
    assert by_name["ev_kind"].unique and by_name["ev_kind"].partial
    assert by_name["ev_lower"].columns == ["lower(kind)"]
    column = table.column("id")
    assert column is not None and not column.nullable


def test_mysql_inline_keys(tmp_path: Path) -> None:
    ddl = tmp_path / "m.sql"
    ddl.write_text("CREATE TABLE t (id INT AUTO_INCREMENT, a INT, PRIMARY KEY (id), KEY idx_a (a), "
                   "UNIQUE KEY u_a_id (a, id)) ENGINE=InnoDB;")
    table = catalog_from_ddl(ddl, "mysql").table("t")
    assert table is not None
    assert {i.name: (i.columns, i.unique) for i in table.indexes} == {
        "t_pkey": (["id"], True), "idx_a": (["a"], False), "u_a_id": (["a", "id"], True),
    }


def test_bad_ddl_names_file_line_and_statement(tmp_path: Path) -> None:
    ddl = tmp_path / "broken.sql"
    ddl.write_text("CREATE TABLE a (id int);\n\nCREATE TABLE b (id int\n")
    with pytest.raises(DdlError) as err:
        catalog_from_ddl(ddl, "postgres")
    assert f"{ddl}:3" in str(err.value) and "CREATE TABLE b" in str(err.value)


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DdlError, match="cannot read"):
        catalog_from_ddl(tmp_path / "nope.sql", "sqlite")
