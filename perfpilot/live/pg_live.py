"""The PostgreSQL side of a live run: preflight, the sandbox database, checked apply, plans and statistics."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import structlog
from pydantic import BaseModel, ConfigDict, Field

from perfpilot.artifacts import Change
from perfpilot.live.pg_apply import IndexCheck, apply_changes, plan_of
from perfpilot.live.pg_sandbox import (
    MAX_COPY_BYTES,
    SandboxDatabase,
    SandboxRefused,
    connect_admin,
    create_sandbox,
    creation_refusal,
    database_name,
    drop_sandbox,
    provided_sandbox,
)
from perfpilot.live.pg_stats import PgLoadObserver
from perfpilot.skills.base import ApplyMode
from perfpilot.workload.models import WorkloadDigest

TOP_PLANS = 5

log = structlog.get_logger("perfpilot.live.pg_live")


class LiveDatabaseError(Exception):
    """The live run cannot use the database as asked (e.g. no right to make a sandbox): exit 2, saying why."""


class MeasuredPlan(BaseModel):
    """EXPLAIN (ANALYZE, BUFFERS) of one top statement on the sandbox, before and after the DDL."""

    model_config = ConfigDict(extra="forbid")

    statement: str
    before_ms: float | None = None
    after_ms: float | None = None
    before_buffers: int | None = None
    after_buffers: int | None = None


class PgApplyRecord(BaseModel):
    """What the sandbox apply did, written to live/pg-apply.json."""

    model_config = ConfigDict(extra="forbid")

    sandbox: str
    method: str
    checks: list[IndexCheck] = Field(default_factory=list)
    plans: list[MeasuredPlan] = Field(default_factory=list)


def top_statements(workloads: list[WorkloadDigest], limit: int | None = None) -> list[str]:
    """One real statement per shape, most total time first (SELECTs only: EXPLAIN ANALYZE runs them)."""
    shapes = sorted((s for w in workloads for s in w.queries), key=lambda s: -s.total_time_s)
    examples = [s.example for s in shapes if s.example.lstrip().lower().startswith(("select", "with"))]
    return examples[:limit] if limit else examples


def explainable(conn: Any, statements: list[str]) -> list[str]:
    """The statements PostgreSQL can plan (a log line of another dialect or a since-dropped table is not
    evidence about an index here): each is EXPLAINed once, without ANALYZE."""
    import psycopg

    kept = []
    for statement in statements:
        try:
            plan_of(conn, statement)
        except psycopg.Error as exc:
            log.info("apply.statement_skipped", statement=statement[:120], reason=str(exc).splitlines()[0])
            continue
        kept.append(statement)
    return kept


def _measure(conn: Any, statement: str) -> tuple[float, int]:
    """Execution ms and buffers of the second of two EXPLAIN ANALYZE runs (the first warms the cache)."""
    plan_of(conn, statement, analyze=True)
    document = plan_of(conn, statement, analyze=True)
    root = document["Plan"]
    buffers = int(root.get("Shared Hit Blocks", 0)) + int(root.get("Shared Read Blocks", 0))
    return float(document["Execution Time"]), buffers


class PgLive:
    """The original database (only read) and at most one sandbox the service is moved to."""

    def __init__(
        self, dsn: str, out_dir: Path, *, sandbox_dsn: str | None = None, max_copy_bytes: int = MAX_COPY_BYTES
    ) -> None:
        self.original = dsn
        self.out_dir = out_dir
        self.sandbox_dsn = sandbox_dsn
        self.max_copy_bytes = max_copy_bytes
        self.sandbox: SandboxDatabase | None = None
        self.observer = PgLoadObserver(self._connect_serving, self.serving_name, out_dir)

    @property
    def serving(self) -> str:
        """The DSN the service uses now: the sandbox once the plan is applied, else the original."""
        return self.sandbox.dsn if self.sandbox else self.original

    def serving_name(self) -> str:
        return database_name(self.serving)

    def _connect_serving(self) -> Any:
        from perfpilot.skills.database_optimization.api import open_postgres_readonly

        return open_postgres_readonly(self.serving)

    def preflight(self, apply: ApplyMode) -> None:
        """Reach the original; with --apply sandbox, make sure a sandbox can be had (else say why)."""
        from perfpilot.skills.database_optimization.api import DatabaseUnavailable, open_postgres_readonly

        try:
            open_postgres_readonly(self.original).close()
        except DatabaseUnavailable as exc:
            raise LiveDatabaseError(str(exc)) from None
        if apply == "original":
            raise LiveDatabaseError(
                "--apply original is not offered on PostgreSQL: perfpilot applies to a sandbox database "
                "(--apply sandbox) and leaves the original to you"
            )
        if apply != "sandbox" or self.sandbox_dsn:
            return
        try:
            with connect_admin(self.original) as admin:
                refusal = creation_refusal(admin)
        except SandboxRefused as exc:
            raise LiveDatabaseError(str(exc)) from None
        if refusal:
            raise LiveDatabaseError(refusal)

    def apply(self, changes: list[Change], workloads: list[WorkloadDigest]) -> tuple[list[IndexCheck], str]:
        """Make the sandbox, check and apply the changes there, measure the top plans before and after.
        Returns each change's check and where it was applied (for the report)."""
        import psycopg

        try:
            self.sandbox = (
                provided_sandbox(self.original, self.sandbox_dsn)
                if self.sandbox_dsn
                else create_sandbox(self.original, max_copy_bytes=self.max_copy_bytes)
            )
        except SandboxRefused as exc:
            raise LiveDatabaseError(str(exc)) from None
        with psycopg.connect(self.sandbox.dsn, autocommit=True, application_name="perfpilot-apply") as conn:
            statements = explainable(conn, top_statements(workloads))
            measured = [(s, *_measure(conn, s)) for s in statements[:TOP_PLANS]]
            checks = apply_changes(conn, changes, statements)
            plans = [
                MeasuredPlan(statement=s[:300], before_ms=ms, before_buffers=buffers).model_copy(
                    update=dict(zip(("after_ms", "after_buffers"), _measure(conn, s), strict=True))
                )
                for s, ms, buffers in measured
            ]
        record = PgApplyRecord(
            sandbox=self.sandbox.name, method=self.sandbox.method, checks=checks, plans=plans
        )
        self.out_dir.mkdir(parents=True, exist_ok=True)
        (self.out_dir / "pg-apply.json").write_text(json.dumps(record.model_dump(), indent=1))
        for check in checks:
            log.info("apply.checked", **check.model_dump(exclude_none=True))
        for plan in plans:
            log.info("apply.plan", **plan.model_dump(exclude_none=True))
        where = f"sandbox database {self.sandbox.name} ({self.sandbox.method} copy)"
        return checks, where

    def close(self, keep: bool) -> None:
        if self.sandbox is None:
            return
        if keep or not self.sandbox.created:
            log.info("sandbox.kept", database=self.sandbox.name)
            return
        drop_sandbox(self.sandbox)


def applied_entry(check: IndexCheck, where: str) -> str:
    """The report's line for an applied change: where, and what HypoPG and the real plan said."""
    parts = [where]
    if check.hypothetical_users is not None:
        parts.append(
            f"HypoPG: used in {check.hypothetical_users} of {check.statements} statement plan(s), "
            f"cost {check.cost_before:.0f} -> {check.cost_with_hypothetical:.0f}"
        )
    elif check.table:
        parts.append("HypoPG check not made (extension missing or no workload statement on the table)")
    if check.real_users is not None:
        parts.append(f"real plan uses {check.index} in {check.real_users} of {check.statements}")
    return f"{check.change_id} ({'; '.join(parts)})"
