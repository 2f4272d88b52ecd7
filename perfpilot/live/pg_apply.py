"""Apply a plan's DDL to a PostgreSQL sandbox: HypoPG check first, CREATE INDEX CONCURRENTLY, ANALYZE, then
check the real plan uses each index."""

from __future__ import annotations

import json
import re
from typing import Any, Literal

import structlog
from pydantic import BaseModel, ConfigDict, Field

from perfpilot.artifacts import Change
from perfpilot.skills.database_optimization.plans.postgres import substitute_parameters

CREATE_INDEX = re.compile(
    r"^\s*CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?P<concurrently>CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?"
    r"(?P<name>\"[^\"]+\"|\w+)?\s*ON\s+(?:ONLY\s+)?(?P<table>(?:\"[^\"]+\"|\w+)(?:\.(?:\"[^\"]+\"|\w+))?)",
    re.IGNORECASE,
)
HYPO_INDEX_NAME = re.compile(r"^<(\d+)>")
STATEMENTS_PER_INDEX = 10

log = structlog.get_logger("perfpilot.live.pg_apply")


class IndexCheck(BaseModel):
    """One index of the plan: HypoPG's verdict before it was built and the real plans' after."""

    model_config = ConfigDict(extra="forbid")

    change_id: str
    index: str = Field(description="The index name, or the table when the DDL names none.")
    table: str
    statements: int = Field(description="Workload statements on the table that were EXPLAINed.")
    hypothetical_users: int | None = Field(
        default=None, description="Statements whose plan used it; None: no HypoPG."
    )
    cost_before: float | None = None
    cost_with_hypothetical: float | None = None
    real_users: int | None = Field(
        default=None, description="After it was built: statements whose plan uses it."
    )
    outcome: Literal["applied", "rejected", "failed"] = "applied"
    reason: str = ""


def index_target(ddl: str) -> tuple[str | None, str] | None:
    """(index name or None, table) of a CREATE INDEX statement, None for other DDL."""
    match = CREATE_INDEX.match(ddl)
    if match is None:
        return None
    name = match["name"].strip('"') if match["name"] else None
    return name, match["table"].replace('"', "")


def hypothetical_statement(ddl: str) -> str:
    """The DDL as hypopg_create_index takes it: a plain CREATE INDEX (no CONCURRENTLY, one statement)."""
    return re.sub(r"\bCONCURRENTLY\s+", "", ddl.strip().rstrip(";"), count=1, flags=re.IGNORECASE)


def statements_on(table: str, statements: list[str]) -> list[str]:
    """The workload statements that name the table (bare name, schema dropped), in the given order."""
    bare = table.rsplit(".", 1)[-1]
    pattern = re.compile(rf"\b{re.escape(bare)}\b", re.IGNORECASE)
    return [s for s in statements if pattern.search(s)][:STATEMENTS_PER_INDEX]


def plan_of(conn: Any, statement: str, *, analyze: bool = False) -> dict[str, Any]:
    """The JSON plan of one statement; ANALYZE runs it, so callers use it on sandboxes only."""
    options = "ANALYZE, BUFFERS, FORMAT JSON" if analyze else "FORMAT JSON"
    text = substitute_parameters(statement.strip().rstrip(";"))
    row = conn.execute(f"EXPLAIN ({options}) {text}").fetchone()  # no parameters: sent as written
    document = row[0] if not isinstance(row[0], str) else json.loads(row[0])
    return dict(document[0])


def index_names(plan: dict[str, Any]) -> set[str]:
    """Every index a plan node reads."""
    names = {str(plan["Index Name"])} if "Index Name" in plan else set()
    for child in plan.get("Plans", []):
        names |= index_names(child)
    return names


def hypopg_available(conn: Any) -> bool:
    return conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'hypopg'").fetchone() is not None


def check_hypothetical(conn: Any, ddl: str, statements: list[str]) -> tuple[int, float, float]:
    """(statements whose plan uses the index, summed cost without it, summed cost with it) with the index
    only hypothetical: HypoPG keeps it in this backend's memory; nothing is written."""
    conn.execute("SELECT hypopg_reset()")
    before = sum(float(plan_of(conn, s)["Plan"]["Total Cost"]) for s in statements)
    oid = int(
        conn.execute(
            "SELECT indexrelid FROM hypopg_create_index(%s)", (hypothetical_statement(ddl),)
        ).fetchone()[0]
    )
    users, after = 0, 0.0
    try:
        for statement in statements:
            plan = plan_of(conn, statement)["Plan"]
            after += float(plan["Total Cost"])
            hypothetical = {int(m[1]) for n in index_names(plan) if (m := HYPO_INDEX_NAME.match(n))}
            users += oid in hypothetical
    finally:
        conn.execute("SELECT hypopg_reset()")
    return users, before, after


def real_users(conn: Any, name: str, statements: list[str]) -> int:
    """Statements whose real plan (the index built and ANALYZEd) reads the index `name`."""
    return sum(name in index_names(plan_of(conn, s)["Plan"]) for s in statements)


def new_indexes(conn: Any, table: str, before: set[str]) -> set[str]:
    rows = conn.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s", (table.rsplit(".", 1)[-1],))
    return {str(r[0]) for r in rows.fetchall()} - before


def table_indexes(conn: Any, table: str) -> set[str]:
    return new_indexes(conn, table, set())


def apply_changes(conn: Any, changes: list[Change], statements: list[str]) -> list[IndexCheck]:
    """Check and run each change on the sandbox connection (autocommit); stop at the first failure.
    Other DDL than CREATE INDEX runs unchecked. Returns a check per change (its outcome included)."""
    hypopg = hypopg_available(conn)
    checks: list[IndexCheck] = []
    for change in changes:
        target = index_target(change.content)
        if target is None:
            conn.execute(change.content)
            checks.append(IndexCheck(change_id=change.id, index="", table="", statements=0))
            continue
        name, table = target
        on_table = statements_on(table, statements)
        check = IndexCheck(change_id=change.id, index=name or table, table=table, statements=len(on_table))
        if hypopg and on_table:
            users, before, after = check_hypothetical(conn, change.content, on_table)
            check = check.model_copy(
                update={"hypothetical_users": users, "cost_before": before, "cost_with_hypothetical": after}
            )
            if users == 0:
                checks.append(
                    check.model_copy(
                        update={
                            "outcome": "rejected",
                            "reason": f"HypoPG: no plan of {len(on_table)} statement(s) on {table} used it",
                        }
                    )
                )
                log.info("apply.rejected", change=change.id, table=table)
                continue
        existing = table_indexes(conn, table)
        try:
            conn.execute(change.content.strip().rstrip(";"))
        except Exception as exc:
            for leftover in new_indexes(conn, table, existing):  # CONCURRENTLY leaves an INVALID index
                conn.execute(f'DROP INDEX IF EXISTS "{leftover}"')
            checks.append(check.model_copy(update={"outcome": "failed", "reason": str(exc).splitlines()[0]}))
            break
        created = sorted(new_indexes(conn, table, existing))
        if created:
            check = check.model_copy(update={"index": created[0]})
        checks.append(check)
        log.info("apply.change", change=change.id, title=change.title, rollback=change.rollback)
    conn.execute("ANALYZE")
    return [
        c.model_copy(update={"real_users": real_users(conn, c.index, statements_on(c.table, statements))})
        if c.outcome == "applied" and c.table
        else c
        for c in checks
    ]
