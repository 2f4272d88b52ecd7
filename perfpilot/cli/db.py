"""`perfpilot db`: database workload tools (digest now; advise and explain join later). Starts fast."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from perfpilot.workload.models import WorkloadDigest

app = typer.Typer(
    help="Database workload tools: digest, advise, explain.", rich_markup_mode=None, no_args_is_help=True
)

_FINGERPRINT_WIDTH = 70


class FormatChoice(StrEnum):
    """Workload formats accepted by --format (the names of target.spec.WorkloadFormat)."""

    auto = "auto"
    pg_stat_statements = "pg_stat_statements"
    postgres_log = "postgres_log"
    mysql_slow = "mysql_slow"
    sql = "sql"
    jsonl = "jsonl"
    otlp = "otlp"


class FingerprintChoice(StrEnum):
    """Fingerprint rules: perfpilot's, or pt-query-digest's classes (docs/benchmarks.md lists the rules)."""

    perfpilot = "perfpilot"
    pt = "pt"


class DialectChoice(StrEnum):
    """SQL dialects that change how fingerprints read quotes and comments."""

    postgres = "postgres"
    mysql = "mysql"
    sqlite = "sqlite"


def _fail(message: str) -> typer.Exit:
    """Print an error on stderr and return the exit (code 2) to raise."""
    sys.stderr.write(f"error: {message}\n")
    return typer.Exit(code=2)


def _table(digest: WorkloadDigest) -> str:
    """The digest as a plain-text table, widest columns last."""
    header = (
        f"{'rank':>4}  {'id':<16}  {'count':>9}  {'total s':>10}  {'mean ms':>9}  {'p95 ms':>9}  "
        f"{'share':>6}  fingerprint"
    )
    rows = [
        f"# {digest.source} ({digest.format}): {digest.total_count:,} statements, "
        f"{digest.total_time_s:.3f} s total, {len(digest.queries)} shapes shown"
        + (f", {digest.unparsed_lines} unparsed lines" if digest.unparsed_lines else ""),
        header,
    ]
    for rank, shape in enumerate(digest.queries, 1):
        text = shape.fingerprint
        if len(text) > _FINGERPRINT_WIDTH:
            text = text[: _FINGERPRINT_WIDTH - 3] + "..."
        rows.append(
            f"{rank:>4}  {shape.id:<16}  {shape.count:>9,}  {shape.total_time_s:>10.3f}  "
            f"{shape.mean_time_s * 1000:>9.2f}  {shape.p95_time_s * 1000:>9.2f}  {shape.share:>6.1%}  {text}"
        )
    return "\n".join(rows) + "\n"


@app.callback()
def _group() -> None:
    """Database workload tools: digest, advise, explain."""
    from perfpilot.logs import configure_logging

    configure_logging(headless=False, level="warning")  # stdout stays for the command's output


@app.command()
def digest(
    file: Annotated[Path, typer.Argument(help="Workload file: slow log, PostgreSQL log, CSV/JSON, SQL, ...")],
    format: Annotated[FormatChoice, typer.Option("--format", "-f", help="Input format.")] = FormatChoice.auto,
    top: Annotated[int | None, typer.Option("--top", "-n", min=1, help="Only the N costliest.")] = None,
    dialect: Annotated[DialectChoice | None, typer.Option(help="SQL dialect of the statements.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the digest as JSON.")] = False,
    fingerprint: Annotated[
        FingerprintChoice,
        typer.Option(
            "--fingerprint",
            help="Shape rules: perfpilot (keeps true/false/null, limit ?, ?, asc, names as written) "
            "or pt (pt-query-digest's classes)",
        ),
    ] = FingerprintChoice.perfpilot,
    max_bytes: Annotated[
        str | None,
        typer.Option(
            "--max-bytes",
            help="SIZE or workload=SIZE, e.g. 2GiB: largest file read (beats PERFPILOT_MAX_BYTES_WORKLOAD)",
        ),
    ] = None,
) -> None:
    """Group a query workload by fingerprint and rank the shapes by total time."""
    from perfpilot.inputs.limits import parse_kind_cap
    from perfpilot.workload.digest import digest_file
    from perfpilot.workload.errors import WorkloadError

    try:
        cap = parse_kind_cap(max_bytes, "workload") if max_bytes is not None else None
    except ValueError as exc:
        raise _fail(str(exc)) from None
    try:
        result = digest_file(
            file, format.value, dialect.value if dialect else None, top, max_bytes=cap,
            fingerprint_rules=fingerprint.value, keep_streams=False,
        )
    except WorkloadError as exc:
        raise _fail(str(exc)) from None
    except OSError as exc:
        raise _fail(f"{file}: {exc.strerror or exc}") from None
    if result.total_count == 0:
        sys.stderr.write(
            f"perfpilot: warning: {file} was read as {result.format} but holds no statements "
            f"({result.unparsed_lines:,} lines could not be read as entries)\n"
        )
    if as_json:
        sys.stdout.write(json.dumps(result.model_dump(mode="json"), indent=2) + "\n")
    else:
        sys.stdout.write(_table(result))


if __name__ == "__main__":
    app()
