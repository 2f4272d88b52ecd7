"""iter_events: open a workload file, pick its parser (sniffing when asked) and stream QueryEvents."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

from perfpilot.inputs.files import InputRejected, check_file
from perfpilot.inputs.limits import InputLimits
from perfpilot.workload.detect import detect_format
from perfpilot.workload.errors import WorkloadError
from perfpilot.workload.events import ParseStats, QueryEvent
from perfpilot.workload.formats.jsonl import parse_jsonl
from perfpilot.workload.formats.mysql_slow import parse_mysql_slow
from perfpilot.workload.formats.otlp import parse_otlp
from perfpilot.workload.formats.pg_stat_statements import (
    parse_pg_stat_statements_csv,
    parse_pg_stat_statements_json,
)
from perfpilot.workload.formats.postgres_log import parse_postgres_log
from perfpilot.workload.formats.sql_file import parse_sql_file

FORMATS = ("pg_stat_statements", "postgres_log", "mysql_slow", "sql", "jsonl", "otlp")
_LINE_PARSERS: dict[str, Callable[[TextIO, ParseStats], Iterator[QueryEvent]]] = {
    "postgres_log": parse_postgres_log,
    "mysql_slow": parse_mysql_slow,
    "sql": parse_sql_file,
    "jsonl": parse_jsonl,
    "otlp": parse_otlp,
}
_BUFFER = 1 << 20


def check_workload_file(path: Path, max_bytes: int | None = None) -> None:
    """WorkloadError unless `path` is a regular file within the workload size cap (checked without
    opening it, so a FIFO or a device never blocks). The cap: `max_bytes` > PERFPILOT_MAX_BYTES_WORKLOAD
    > the default."""
    if "\0" not in str(path) and not os.path.lexists(path):
        raise WorkloadError(f"{path}: no such file")
    try:
        check_file(path, max_bytes if max_bytes is not None else InputLimits().max_bytes("workload"))
    except (InputRejected, ValueError) as exc:  # ValueError: a malformed PERFPILOT_MAX_BYTES_WORKLOAD
        raise WorkloadError(f"{path}: {exc}") from None


def resolve_format(path: Path, format: str = "auto", max_bytes: int | None = None) -> str:
    """The format to parse `path` with: `format` itself, or the sniffed one for "auto"."""
    check_workload_file(path, max_bytes)
    if format == "auto":
        return detect_format(path)
    if format not in FORMATS:
        raise WorkloadError(f"{path}: unknown workload format {format!r} (choose from {', '.join(FORMATS)})")
    if not path.is_file():
        raise WorkloadError(f"{path}: no such file")
    return format


def open_workload(path: Path) -> TextIO:
    """Open a workload file as text: UTF-8 with undecodable bytes replaced, newlines kept as written."""
    return path.open("r", encoding="utf-8", errors="replace", newline="", buffering=_BUFFER)


def iter_events(
    path: Path, format: str = "auto", stats: ParseStats | None = None, max_bytes: int | None = None
) -> Iterator[QueryEvent]:
    """Stream the statements of a workload file; malformed lines are counted in `stats` and skipped."""
    chosen = resolve_format(path, format, max_bytes)
    counter = stats if stats is not None else ParseStats(str(path))
    with open_workload(path) as handle:
        if chosen == "pg_stat_statements":
            if handle.read(4096).lstrip()[:1] in ("[", "{"):
                handle.seek(0)
                yield from parse_pg_stat_statements_json(handle.read(), counter)
            else:
                handle.seek(0)
                yield from parse_pg_stat_statements_csv(handle, counter)
            return
        yield from _LINE_PARSERS[chosen](handle, counter)
