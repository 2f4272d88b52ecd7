"""pg_stat_statements rows (CSV with header, a JSON list, or live from a DSN): one aggregate event per row.

A file export with `temp_blks_written` also says which statements spilled to temporary files: those
rows' blocks (PostgreSQL's default 8 kB each) go to `ParseStats.temp_files`, summed per statement shape.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from perfpilot.redaction import redact
from perfpilot.workload.errors import WorkloadError
from perfpilot.workload.events import ParseStats, QueryEvent
from perfpilot.workload.fingerprint import fingerprint
from perfpilot.workload.models import TempFiles

_TOTAL_COLUMNS = ("total_exec_time", "total_time")  # PG13+ first, then PG <= 12 (both in ms)
BLOCK_BYTES = 8192
"""PostgreSQL's default block size (BLCKSZ): the unit of temp_blks_written."""
MAX_TEMP_SHAPES = 20


def row_event(row: Mapping[str, Any], line: int) -> QueryEvent:
    """One aggregate event from a row; raises ValueError when query, calls or total time is missing."""
    query = row.get("query")
    if not isinstance(query, str) or not query.strip():
        raise ValueError("no query")
    calls = int(float(row["calls"]))
    total_ms = next((row[c] for c in _TOTAL_COLUMNS if row.get(c) not in (None, "")), None)
    if total_ms is None:
        raise ValueError("no total_exec_time or total_time")
    rows = row.get("rows")
    database = row.get("datname") or row.get("database")
    return QueryEvent(
        sql=query.strip().rstrip(";"),
        duration_s=float(total_ms) / 1000,
        rows_sent=int(float(rows)) if rows not in (None, "") else None,
        line=line,
        database=str(database) if database else None,
        count=calls,
    )


def _temp_blocks(row: Mapping[str, Any]) -> int:
    """temp_blks_written of a row; 0 when the export has no such column or it is empty."""
    value = row.get("temp_blks_written")
    return int(float(value)) if value not in (None, "") else 0


def _add_temp(spills: dict[str, TempFiles], event: QueryEvent, blocks: int, line: int) -> None:
    shape = fingerprint(event.sql, "postgres")
    seen = spills.get(shape)
    calls = event.count + ((seen.calls or 0) if seen is not None else 0)
    total = blocks * BLOCK_BYTES + (seen.total_bytes if seen is not None else 0)
    spills[shape] = TempFiles(
        fingerprint=shape,
        statement=seen.statement if seen is not None else redact(" ".join(event.sql.split()))[:300],
        calls=calls,
        total_bytes=total,
        spill_bytes=total // max(calls, 1),
        first_line=seen.first_line if seen is not None else line,
    )


def _events(rows: Iterable[tuple[int, Mapping[str, Any]]], stats: ParseStats) -> Iterator[QueryEvent]:
    spills: dict[str, TempFiles] = {}
    for line, row in rows:
        try:
            event = row_event(row, line)
            blocks = _temp_blocks(row)
        except (KeyError, ValueError, TypeError, OverflowError) as exc:  # OverflowError: "inf" as a count
            stats.skip(line, f"unusable pg_stat_statements row: {exc}")
            continue
        if event.count > 0:
            if blocks > 0:
                _add_temp(spills, event, blocks, line)
            yield event
    ranked = sorted(spills.values(), key=lambda t: (-t.total_bytes, t.first_line))
    stats.temp_files = ranked[:MAX_TEMP_SHAPES]


def parse_pg_stat_statements_csv(lines: Iterable[str], stats: ParseStats) -> Iterator[QueryEvent]:
    """Rows of a CSV export with a header (psql \\copy ... csv header)."""
    reader = csv.DictReader(lines)
    if not reader.fieldnames or "query" not in reader.fieldnames or "calls" not in reader.fieldnames:
        raise WorkloadError(f"{stats.source}: CSV header lacks the pg_stat_statements columns query, calls")

    def numbered() -> Iterator[tuple[int, Mapping[str, Any]]]:
        for row in reader:
            yield reader.line_num, row

    yield from _events(numbered(), stats)


def parse_pg_stat_statements_json(text: str, stats: ParseStats) -> Iterator[QueryEvent]:
    """Rows of a JSON export: a list of objects (or {"rows": [...]})."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise WorkloadError(f"{stats.source}:{exc.lineno}: invalid JSON: {exc.msg}") from exc
    if isinstance(data, dict):
        data = data.get("rows")
    if not isinstance(data, list):
        raise WorkloadError(f"{stats.source}: expected a JSON list of pg_stat_statements rows")
    pairs = ((index, row) for index, row in enumerate(data, 1) if isinstance(row, dict))
    skipped = sum(1 for row in data if not isinstance(row, dict))
    for index in range(skipped):
        stats.skip(index + 1, "JSON row is not an object")
    yield from _events(pairs, stats)


def _describe(dsn: str) -> str:
    """The DSN without its password, for messages."""
    parts = urlsplit(dsn)
    return f"{parts.scheme}://{parts.hostname or ''}{':' + str(parts.port) if parts.port else ''}{parts.path}"


def iter_pg_stat_statements(
    dsn: str, timeout_ms: int = 5000, all_databases: bool = False
) -> Iterator[QueryEvent]:
    """Rows of pg_stat_statements read live, in a READ ONLY transaction bounded by statement_timeout."""
    import psycopg
    from psycopg.rows import dict_row

    try:
        conn = psycopg.connect(dsn, connect_timeout=5, row_factory=dict_row)
    except psycopg.Error as exc:
        raise WorkloadError(f"{_describe(dsn)}: cannot connect: {type(exc).__name__}") from None
    with conn:
        conn.read_only = True
        with conn.transaction(), conn.cursor() as cur:
            cur.execute("SELECT set_config('statement_timeout', %s, true)", (str(int(timeout_ms)),))
            cur.execute("SELECT current_setting('server_version_num')::int AS v")
            version_row = cur.fetchone()
            version = int(version_row["v"]) if version_row else 0
            total = "total_exec_time" if version >= 130000 else "total_time"
            where = "" if all_databases else "WHERE d.datname = current_database()"
            try:
                cur.execute(
                    f"SELECT s.queryid, s.query, s.calls, s.{total} AS total_exec_time, s.rows, d.datname"
                    f" FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid {where}"
                    f" ORDER BY s.{total} DESC"
                )
            except psycopg.Error as exc:
                raise WorkloadError(
                    f"{_describe(dsn)}: cannot read pg_stat_statements ({type(exc).__name__}: "
                    f"{str(exc).splitlines()[0]}); is the extension created and preloaded?"
                ) from None
            for index, row in enumerate(cur, 1):
                if row["query"]:
                    yield row_event(row, index)
