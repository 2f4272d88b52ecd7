"""The SQL log: one JSON line per statement, its parameters inlined so it reads like a server log."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from shop.linefile import LineFile

SqlParam = int | float | str | bytes | None


def sql_literal(value: SqlParam) -> str:
    """Render a parameter as an SQL literal: strings single-quoted with quotes doubled, None as NULL."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, bytes):
        return f"X'{value.hex()}'"
    return "'" + value.replace("'", "''") + "'"


def inline_params(sql: str, params: Sequence[SqlParam]) -> str:
    """Replace each `?` placeholder (outside quoted text) with its parameter as a literal."""
    out: list[str] = []
    values = iter(params)
    quote: str | None = None
    for char in sql:
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "?":
            out.append(sql_literal(next(values)))
            continue
        out.append(char)
    return "".join(out)


class QueryLog:
    """Writes {"ts", "request_id", "sql", "duration_ms", "rows", "endpoint"} lines."""

    def __init__(self, path: Path) -> None:
        self._file = LineFile(path)

    def record(
        self, *, request_id: str, endpoint: str, sql: str, params: Sequence[SqlParam], duration_s: float,
        rows: int,
    ) -> None:
        entry = {
            "ts": datetime.now(UTC).isoformat(timespec="microseconds"),
            "request_id": request_id,
            "sql": inline_params(sql, params),
            "duration_ms": round(duration_s * 1000, 3),
            "rows": rows,
            "endpoint": endpoint,
        }
        self._file.write(json.dumps(entry, ensure_ascii=False))

    def close(self) -> None:
        self._file.close()
