"""The access log: combined log format with the request time in seconds appended (nginx `$request_time`)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from shop.linefile import LineFile


def _quoted(text: str) -> str:
    return '"' + (text or "-").replace("\\", "\\\\").replace('"', '\\"') + '"'


def combined_line(
    *, client: str, started: datetime, request_line: str, status: int, bytes_sent: int, referer: str,
    user_agent: str, request_time_s: float,
) -> str:
    """`host - - [time] "request" status bytes "referer" "agent" request_time`."""
    stamp = started.strftime("%d/%b/%Y:%H:%M:%S %z")
    return (
        f"{client or '-'} - - [{stamp}] {_quoted(request_line)} {status} {bytes_sent} "
        f"{_quoted(referer)} {_quoted(user_agent)} {request_time_s:.3f}"
    )


class AccessLog:
    """Appends one combined-format line per request."""

    def __init__(self, path: Path) -> None:
        self._file = LineFile(path)

    def write(self, line: str) -> None:
        self._file.write(line)

    def close(self) -> None:
        self._file.close()
