"""Sandbox databases on PostgreSQL: TEMPLATE copy, pg_dump/pg_restore when the template is busy, the size
guard, a missing CREATEDB, a provided sandbox, and an original that stays unchanged under a writing role."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import psycopg
import pytest

from perfpilot.artifacts import Change
from perfpilot.live.pg_checksum import database_checksum
from perfpilot.live.pg_live import LiveDatabaseError, PgLive
from perfpilot.live.pg_sandbox import SandboxRefused, create_sandbox, drop_sandbox, provided_sandbox
from perfpilot.workload.models import QueryShape, WorkloadDigest

pytestmark = pytest.mark.postgres


def _checksum(dsn: str) -> Any:
    with psycopg.connect(dsn) as conn:
        return database_checksum(conn)


def _exists(admin_dsn: str, name: str) -> bool:
    with psycopg.connect(admin_dsn) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None


def _index_change(cid: str, ddl: str) -> Change:
    return Change(
        id=cid,
        finding_id="f",
        group="database",
        kind="ddl",
        title=ddl[:40],
        content=ddl,
        rollback="DROP INDEX ...",
        effort_days=0.1,
        auto_applicable=True,
    )


def _workload(*statements: str) -> list[WorkloadDigest]:
    shapes = [
        QueryShape(
            id=f"q{i}",
            fingerprint=s,
            example=s,
            count=10,
            total_time_s=10.0 - i,
            mean_time_s=0.1,
            p95_time_s=0.1,
            max_time_s=0.1,
        )
        for i, s in enumerate(statements)
    ]
    return [WorkloadDigest(source="test", format="jsonl", queries=shapes)]


def test_a_template_copy_when_no_one_else_is_connected(original: dict[str, str], pg_dsn: str) -> None:
    sandbox = create_sandbox(original["writer"])
    try:
        assert sandbox.method == "template" and sandbox.created
        assert sandbox.name.startswith(f"{original['name']}_sbx_")
        assert _checksum(sandbox.dsn) == _checksum(original["writer"])
    finally:
        drop_sandbox(sandbox)
    assert not _exists(pg_dsn, sandbox.name)


def test_a_busy_template_falls_back_to_dump_and_restore(original: dict[str, str]) -> None:
    with psycopg.connect(original["superuser"]) as other_session:  # someone else is connected
        other_session.execute("SELECT 1")
        sandbox = create_sandbox(original["writer"])
        try:
            assert sandbox.method == "dump-restore"
            copy, source = _checksum(sandbox.dsn), _checksum(original["writer"])
            assert copy.data == source.data and copy.tables == source.tables == 2
        finally:
            drop_sandbox(sandbox)


def test_a_busy_template_above_the_size_guard_is_refused_plainly(
    original: dict[str, str], pg_dsn: str
) -> None:
    with psycopg.connect(original["superuser"]) as other_session:
        other_session.execute("SELECT 1")
        with pytest.raises(
            SandboxRefused, match=r"above the 0 MiB limit for a pg_dump/pg_restore copy \(1 other"
        ):
            create_sandbox(original["writer"], max_copy_bytes=1)
    with psycopg.connect(pg_dsn) as conn:
        left = conn.execute(
            "SELECT count(*) FROM pg_database WHERE starts_with(datname, %s)", (f"{original['name']}_sbx_",)
        ).fetchone()
    assert left == (0,)


def test_without_createdb_the_sandbox_is_refused_with_the_reason(original: dict[str, str]) -> None:
    with pytest.raises(SandboxRefused, match="role 'pgloop_reader' lacks CREATEDB"):
        create_sandbox(original["reader"])
    live = PgLive(original["reader"], Path("unused"))
    live.preflight("none")  # reading needs no more than SELECT
    with pytest.raises(
        LiveDatabaseError, match=r"lacks CREATEDB: grant it \(ALTER ROLE pgloop_reader CREATEDB\)"
    ):
        live.preflight("sandbox")
    with pytest.raises(LiveDatabaseError, match="--apply original is not offered on PostgreSQL"):
        live.preflight("original")


def test_a_provided_empty_sandbox_is_filled_and_never_dropped(original: dict[str, str], pg_dsn: str) -> None:
    from psycopg.conninfo import make_conninfo

    name = f"{original['name']}_sbx_given"
    with psycopg.connect(pg_dsn, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}" OWNER pgloop_writer')
    given = make_conninfo(original["writer"], dbname=name)
    sandbox = provided_sandbox(original["reader"], given)
    assert (sandbox.method, sandbox.created) == ("provided", False)
    assert _checksum(given).data == _checksum(original["writer"]).data
    drop_sandbox(sandbox)  # not ours: left alone
    assert _exists(pg_dsn, name)
    with pytest.raises(SandboxRefused, match="already holds tables"):
        provided_sandbox(original["reader"], given)
    with pytest.raises(SandboxRefused, match="names the original database"):
        provided_sandbox(original["reader"], original["writer"])


def test_the_original_is_unchanged_while_the_sandbox_gets_the_index(
    original: dict[str, str], pg_dsn: str, tmp_path: Path
) -> None:
    before = _checksum(original["superuser"])
    live = PgLive(original["writer"], tmp_path)  # the owner: it could write the original
    live.preflight("sandbox")
    lookup = "SELECT id, total FROM orders WHERE customer_id = 42 ORDER BY created_at DESC"
    changes = [
        _index_change(
            "chg-a", "CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_customer ON orders (customer_id);"
        )
    ]
    checks, where = live.apply(changes, _workload(lookup, "SELECT * FROM orders_gone WHERE id = 1"))
    assert live.sandbox is not None and where == f"sandbox database {live.sandbox.name} (template copy)"
    [check] = checks
    assert (check.outcome, check.index, check.real_users, check.statements) == (
        "applied",
        "idx_orders_customer",
        1,
        1,
    )
    with psycopg.connect(live.sandbox.dsn) as conn:
        defs = [r[0] for r in conn.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'orders'")]
    assert any("idx_orders_customer" in d for d in defs)
    record = json.loads((tmp_path / "pg-apply.json").read_text())
    [plan] = record["plans"]  # EXPLAIN (ANALYZE, BUFFERS) on the sandbox, before and after the index
    assert plan["statement"] == lookup and plan["after_buffers"] < plan["before_buffers"]
    live.close(keep=False)
    assert not _exists(pg_dsn, live.sandbox.name)
    assert _checksum(original["superuser"]) == before  # catalog and data, read with the superuser


def test_keep_sandbox_keeps_it(original: dict[str, str], pg_dsn: str, tmp_path: Path) -> None:
    live = PgLive(original["writer"], tmp_path)
    live.apply([], _workload())
    assert live.sandbox is not None
    live.close(keep=True)
    assert _exists(pg_dsn, live.sandbox.name)
    drop_sandbox(live.sandbox)
