"""The checked apply on a PostgreSQL sandbox: HypoPG rejects an index no plan would use, the real plan is
checked after the build, and the DDL is parsed as PostgreSQL writes it."""

from __future__ import annotations

import psycopg
import pytest

from perfpilot.artifacts import Change
from perfpilot.live.pg_apply import apply_changes, hypothetical_statement, index_target, statements_on
from perfpilot.live.pg_sandbox import create_sandbox, drop_sandbox


def _change(cid: str, ddl: str) -> Change:
    return Change(
        id=cid,
        finding_id="f",
        group="database",
        kind="ddl",
        title=cid,
        content=ddl,
        rollback="DROP INDEX",
        effort_days=0.1,
        auto_applicable=True,
    )


def test_the_ddl_is_read_as_postgresql_writes_it() -> None:
    ddl = 'CREATE INDEX CONCURRENTLY IF NOT EXISTS "Idx" ON public.orders (customer_id) INCLUDE (total);'
    assert index_target(ddl) == ("Idx", "public.orders")
    assert index_target("CREATE UNIQUE INDEX ON orders (id)") == (None, "orders")
    assert index_target("ALTER TABLE orders ADD COLUMN x int") is None
    assert (
        hypothetical_statement(ddl)
        == 'CREATE INDEX IF NOT EXISTS "Idx" ON public.orders (customer_id) INCLUDE (total)'
    )
    statements = ["SELECT * FROM orders_archive", "SELECT * FROM orders WHERE id = 1", "SELECT 1"]
    assert statements_on("public.orders", statements) == ["SELECT * FROM orders WHERE id = 1"]


@pytest.mark.postgres
def test_hypopg_rejects_an_index_the_planner_would_not_use(original: dict[str, str], hypopg_dsn: str) -> None:
    sandbox = create_sandbox(original["superuser"])  # a template copy: HypoPG comes along
    statements = [
        "SELECT id FROM flags WHERE kind = 'same'",  # every row matches: a sequential scan wins
        "SELECT id, total FROM orders WHERE customer_id = 7",
    ]
    changes = [
        _change("chg-useless", "CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_flags_kind ON flags (kind);"),
        _change(
            "chg-useful",
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_customer ON orders (customer_id);",
        ),
    ]
    try:
        with psycopg.connect(sandbox.dsn, autocommit=True) as conn:
            useless, useful = apply_changes(conn, changes, statements)
            names = {
                r[0] for r in conn.execute("SELECT indexname FROM pg_indexes WHERE schemaname = 'public'")
            }
    finally:
        drop_sandbox(sandbox)
    assert (useless.outcome, useless.hypothetical_users, useless.statements) == ("rejected", 0, 1)
    assert useless.reason == "HypoPG: no plan of 1 statement(s) on flags used it"
    assert useless.real_users is None
    assert (useful.outcome, useful.hypothetical_users, useful.real_users) == ("applied", 1, 1)
    assert useful.cost_with_hypothetical is not None and useful.cost_before is not None
    assert useful.cost_with_hypothetical < useful.cost_before
    assert "idx_flags_kind" not in names and "idx_orders_customer" in names


@pytest.mark.postgres
def test_a_failed_concurrent_build_leaves_no_invalid_index(original: dict[str, str]) -> None:
    sandbox = create_sandbox(original["superuser"])
    changes = [
        _change(
            "chg-bad", "CREATE UNIQUE INDEX CONCURRENTLY idx_orders_status ON orders (status);"
        ),  # duplicates
        _change("chg-after", "CREATE INDEX CONCURRENTLY idx_orders_total ON orders (total);"),
    ]
    try:
        with psycopg.connect(sandbox.dsn, autocommit=True) as conn:
            checks = apply_changes(conn, changes, [])
            names = {
                r[0] for r in conn.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'orders'")
            }
    finally:
        drop_sandbox(sandbox)
    assert [c.outcome for c in checks] == ["failed"]  # it stops at the first failure
    assert checks[0].reason.startswith("could not create unique index")
    assert names == {"orders_pkey"}
