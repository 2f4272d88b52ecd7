"""`perfpilot db advise` and `perfpilot db explain`: index advice and plan summaries, read-only."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from perfpilot.cli.errors import fail

if TYPE_CHECKING:
    from perfpilot.skills.database_optimization.api import Catalog, PlanReport

SANDBOX_HELP = (
    "Assert that the DSN points at a throwaway copy (required for --analyze unless the DSN is a SQLite "
    "file inside a perfpilot sandbox directory)."
)


def _catalog(dsn: str) -> tuple[str, Catalog]:
    """(dialect, catalog) of a DSN; exits 2 with a clear message when it cannot be read."""
    from perfpilot.skills.database_optimization.api import DatabaseUnavailable, parse_dsn, read_live_catalog

    try:
        return parse_dsn(dsn).dialect, read_live_catalog(dsn)
    except (ValueError, DatabaseUnavailable) as exc:
        fail(str(exc))


def advise_command(
    dsn: str = typer.Option(..., "--dsn", help="postgresql://... or sqlite:///path (opened read-only)."),
    workload: Path = typer.Option(
        ..., "--workload", help="Query log to digest (slow log, pg log, jsonl...)."
    ),
    format: str = typer.Option("auto", "--format", help="Workload format, or 'auto'."),
    budget_mb: float | None = typer.Option(None, "--budget-mb", help="Storage budget for new indexes."),
    min_benefit: float = typer.Option(0.01, "--min-benefit", help="Least workload share an index must save."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON instead of text."),
) -> None:
    """Recommend indexes for a workload (HypoPG on PostgreSQL, a sandbox copy on SQLite)."""
    from perfpilot.skills.database_optimization.api import DatabaseUnavailable, advise
    from perfpilot.workload.digest import digest_file
    from perfpilot.workload.errors import WorkloadError

    dialect, catalog = _catalog(dsn)
    try:
        digest = digest_file(workload, format, dialect=dialect)
    except WorkloadError as exc:
        fail(str(exc))
    try:
        advice = advise(
            digest.queries,
            catalog,
            dsn=dsn,
            dialect=dialect,
            storage_budget_mb=budget_mb,
            min_benefit=min_benefit,
        )
    except DatabaseUnavailable as exc:
        fail(str(exc))
    if json_out:
        payload = {
            "recommendations": [r.model_dump() for r in advice.recommendations],
            "findings": [f.model_dump() for f in advice.findings],
            "workload_cost_before": advice.workload_cost_before,
            "workload_cost_after": advice.workload_cost_after,
            "method": advice.method,
            "whatif_calls": advice.whatif_calls,
            "runtime_s": advice.runtime_s,
            "notes": advice.notes,
        }
        typer.echo(json.dumps(payload, indent=2))
        return
    typer.echo(_advice_text(advice, len(digest.queries)))


def _advice_text(advice: Any, shapes: int) -> str:
    lines = [
        f"{shapes} query shapes; workload plan cost {advice.workload_cost_before:,.0f} -> "
        f"{advice.workload_cost_after:,.0f} ({advice.method}, {advice.whatif_calls} what-if calls, "
        f"{advice.runtime_s:.2f} s)",
        "",
    ]
    if not advice.recommendations:
        lines.append("No index clears the benefit threshold.")
    for rec in advice.recommendations:
        lines.append(f"{rec.ddl}   -- saves {rec.workload_cost_reduction:.1%}, {rec.size_mb:.1f} MB")
        lines.append(f"  rollback: {rec.rollback}")
        for query in rec.queries:
            lines.append(
                f"  {query.shape_id}: cost {query.cost_before:,.1f} -> {query.cost_after:,.1f}"
                f" x {query.count}"
            )
    if advice.findings:
        lines += ["", "Findings:"]
        lines += [f"  [{f.priority}] {f.kind}: {f.title}" for f in advice.findings]
    lines += [f"note: {note}" for note in advice.notes]
    return "\n".join(lines)


def _statements(sql_file: Path, dialect: str) -> list[str]:
    """The file's statements, verbatim (split outside strings and comments), each checked to parse."""
    import sqlglot

    from perfpilot.workload.events import ParseStats
    from perfpilot.workload.formats.sql_file import parse_sql_file

    try:
        text = sql_file.read_text(encoding="utf-8")
    except OSError as exc:
        fail(f"cannot read {sql_file}: {exc.strerror}")
    statements = []
    for event in parse_sql_file(text.splitlines(keepends=True), ParseStats(str(sql_file))):
        try:
            tree = sqlglot.parse_one(event.sql, read=dialect)
        except sqlglot.errors.SqlglotError as exc:
            fail(f"{sql_file}:{event.line}: SQL does not parse: {str(exc).splitlines()[0]}")
        except RecursionError:
            fail(f"{sql_file}:{event.line}: SQL nests too deeply to parse")
        if tree is not None:
            statements.append(event.sql.strip().rstrip(";"))
    if not statements:
        fail(f"{sql_file}: no SQL statement found")
    return statements


def explain_command(
    plan: Path | None = typer.Option(
        None, "--plan", help="Saved PostgreSQL EXPLAIN output (FORMAT JSON or text): no database needed."
    ),
    dsn: str | None = typer.Option(
        None, "--dsn", help="postgresql://... or sqlite:///path (opened read-only)."
    ),
    sql: Path | None = typer.Option(None, "--sql", help="File of SQL statements to explain (with --dsn)."),
    analyze: bool = typer.Option(
        False, "--analyze", help="EXPLAIN ANALYZE (runs the statements): sandbox only."
    ),
    sandbox: bool = typer.Option(False, "--sandbox", help=SANDBOX_HELP),
    output: str = typer.Option("text", "--format", help="Output: text or json."),
    json_out: bool = typer.Option(False, "--json", help="Same as --format json."),
) -> None:
    """Explain a saved plan file (--plan), or each statement of a file on a database (--dsn, --sql):
    plan nodes, total cost and issues (large scans, spills, misestimates...)."""
    from perfpilot.cli.db_plans import explain_plan_file, report_text

    if output not in {"text", "json"}:
        fail(f"--format must be text or json, not {output!r}")
    output = "json" if json_out else output
    if plan is not None:
        if dsn is not None or sql is not None or analyze:
            fail("--plan reads a saved plan: it takes no --dsn, --sql or --analyze")
        explain_plan_file(plan, output)
        return
    if dsn is None or sql is None:
        fail("give --plan FILE (a saved EXPLAIN), or --dsn and --sql to explain statements on a database")
    reports = _explain_on_database(dsn, sql, analyze, sandbox)
    if output == "json":
        typer.echo(json.dumps([r.model_dump() for r in reports], indent=2))
        return
    for report in reports:
        typer.echo(report_text(report, f"-- {report.statement[:200]}"))


def _explain_on_database(dsn: str, sql: Path, analyze: bool, sandbox: bool) -> list[PlanReport]:
    """The plan report of each statement of `sql` on the database (EXPLAIN ANALYZE on sandboxes only)."""
    from perfpilot.skills.database_optimization.api import (
        DatabaseUnavailable,
        explain_postgres,
        explain_sqlite,
        is_sandbox_path,
        open_postgres_readonly,
        open_sqlite_readonly,
        parse_dsn,
    )

    dialect, catalog = _catalog(dsn)
    path = parse_dsn(dsn).path if dialect == "sqlite" else None
    if analyze and not (sandbox or (path is not None and is_sandbox_path(path))):
        fail(
            "--analyze executes the statements: use it only on a sandbox copy "
            "(pass --sandbox to assert the DSN is one)"
        )
    try:
        if path is not None:
            conn = open_sqlite_readonly(path)
            try:
                return [explain_sqlite(conn, s, catalog=catalog) for s in _statements(sql, "sqlite")]
            finally:
                conn.close()
        with open_postgres_readonly(dsn) as pg:
            statements = _statements(sql, "postgres")
            return [explain_postgres(pg, s, catalog=catalog, analyze=analyze) for s in statements]
    except DatabaseUnavailable as exc:
        fail(str(exc))
    except Exception as exc:  # the database rejected a statement: report it without a traceback
        fail(f"{sql}: the database rejected a statement: {str(exc).splitlines()[0]}")
