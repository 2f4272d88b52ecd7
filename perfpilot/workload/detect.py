"""Workload format detection by sniffing the first lines of a file."""

from __future__ import annotations

import json
import re
from pathlib import Path

from perfpilot.workload.errors import WorkloadError

_SNIFF_LINES = 40
_SQL_START = re.compile(
    r"^\s*(?:select|insert|update|delete|with|create|alter|drop|begin|commit|set|explain|values|replace"
    r"|truncate|grant|analyze|vacuum|call|show|start|rollback)\b",
    re.IGNORECASE,
)
_PG_LINE = re.compile(r"\b(?:LOG|ERROR|WARNING|FATAL|DETAIL|STATEMENT):  ")
_COMMENT_ONLY = re.compile(r"^\s*(?:--.*|#.*|/\*.*\*/\s*)$")


def _head(path: Path) -> list[str]:
    try:
        with path.open("rb") as handle:
            raw = handle.read(64 * 1024)
    except FileNotFoundError:
        raise WorkloadError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise WorkloadError(f"{path}: is a directory, not a workload file") from None
    except OSError as exc:
        raise WorkloadError(f"{path}: cannot read ({exc.strerror})") from None
    if b"\x00" in raw:
        raise WorkloadError(f"{path}: binary data, not a workload file")
    text = raw.decode("utf-8", errors="replace")
    return [line for line in text.splitlines() if line.strip()][:_SNIFF_LINES]


def _json_format(head: list[str]) -> str | None:
    first = head[0].lstrip()
    joined = "\n".join(head)
    if first.startswith("["):
        return "pg_stat_statements" if '"query"' in joined and '"calls"' in joined else None
    if '"resourceSpans"' in joined:
        return "otlp"
    try:
        record = json.loads(first)
    except json.JSONDecodeError:
        return "pg_stat_statements" if '"rows"' in joined and '"calls"' in joined else None
    keys = ("sql", "statement", "query")
    if isinstance(record, dict) and any(isinstance(record.get(k), str) for k in keys):
        return "jsonl"
    return None


def detect_format(path: Path) -> str:
    """The workload format of a file (a WorkloadFormat name other than "auto"); WorkloadError if none."""
    head = _head(path)
    if not head:
        raise WorkloadError(f"{path}: empty file, not a workload")
    if head[0].lstrip().startswith(("{", "[")):
        found = _json_format(head)
        if found:
            return found
    header = [c.strip().strip('"').lower() for c in head[0].split(",")]
    if "query" in header and "calls" in header:
        return "pg_stat_statements"
    for line in head:
        if line.startswith(("# Time:", "# User@Host:", "# Query_time:")) or (
            ", Version: " in line and "started with:" in line
        ):
            return "mysql_slow"
        if _PG_LINE.search(line):
            return "postgres_log"
    for line in head:
        if _COMMENT_ONLY.match(line):
            continue
        if _SQL_START.match(line):
            return "sql"
        break
    raise WorkloadError(
        f"{path}: not a recognised workload (expected a MySQL slow log, PostgreSQL log, "
        "pg_stat_statements CSV/JSON, SQL, JSON-lines queries or OTLP JSON)"
    )
