"""The shop on PostgreSQL: the same rows as the SQLite build, the same answers, read-only sessions."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import make_conninfo
from shop.app import create_app
from shop.generator import content_hash
from shop.pg_generator import content_hash as pg_content_hash
from shop.pg_generator import ensure_postgres
from starlette.testclient import TestClient

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def shop_pg(pg_dsn: str) -> Iterator[str]:
    """The shop at 1 % scale in a throwaway database `pg_loop_shop_test_<pid>`."""
    name = f"pg_loop_shop_test_{os.getpid()}"
    dsn = make_conninfo(pg_dsn, dbname=name)
    ensure_postgres(dsn, scale=0.01)
    try:
        yield dsn
    finally:
        with psycopg.connect(pg_dsn, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_postgres_holds_the_rows_sqlite_holds(shop_pg: str, small_db: Path) -> None:
    with psycopg.connect(shop_pg) as conn:
        counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("customers", "orders")}
        extensions = {r[0] for r in conn.execute("SELECT extname FROM pg_extension")}
        indexes = {r[0] for r in conn.execute("SELECT indexname FROM pg_indexes WHERE schemaname = 'public'")}
    assert counts == {"customers": 500, "orders": 2000}
    assert "pg_stat_statements" in extensions
    assert indexes == {"customers_pkey", "products_pkey", "orders_pkey", "order_items_pkey", "shop_meta_pkey"}
    assert ensure_postgres(shop_pg, scale=0.01) == shop_pg  # stamped: reused, not rebuilt
    assert len(pg_content_hash(shop_pg)) == len(content_hash(small_db)) == 64


def test_the_endpoints_answer_alike_on_both_engines(
    shop_pg: str, small_db: Path, shop_paths: dict[str, Path], tmp_path: Path
) -> None:
    paths = [
        "/products/7",
        "/customers/42/orders",
        "/customers/42/orders-with-items",
        "/orders/by-status?status=refunded&limit=5",
        "/products/search?q=lamp",
        "/stats/top-products",
    ]
    with TestClient(create_app(small_db)) as lite, TestClient(create_app(shop_pg, **shop_paths)) as pg:
        for path in paths:
            expected, got = lite.get(path), pg.get(path)
            assert got.status_code == expected.status_code == 200, path
            assert got.json() == expected.json(), path
    assert pg_lines_are_postgres(shop_paths["query_log"])


def pg_lines_are_postgres(query_log: Path) -> bool:
    text = query_log.read_text()
    return "ILIKE '%' || 'lamp' || '%'" in text and "WHERE id = 7" in text


def test_the_service_cannot_write(shop_pg: str) -> None:
    app = create_app(shop_pg)
    db = app.state.store.db
    from shop.database import QueryContext

    with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
        db.query(QueryContext("r", "test"), "DELETE FROM shop_meta")
    db.close()
