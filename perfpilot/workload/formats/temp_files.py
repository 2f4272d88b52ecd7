"""Temporary files in a PostgreSQL server log (`log_temp_files`): which statements spilled, and how much.

With `log_temp_files = N` (kB; 0 logs every file), a backend logs `temporary file: path "P", size B` when
it deletes a temporary file of at least N kB, B in bytes; the next message, `STATEMENT:` (tab-indented
continuation lines included), is the statement that wrote it. A sort, hash or materialisation that does
not fit in work_mem writes such files (a hash in batches, several), so does each parallel worker of a
spilling node. Files are summed per statement shape (its fingerprint); a file logged without a statement
is summed on its own. The files one process logs before its next other LOG message (the statement's
`duration:` line) are one execution's: the largest such sum is what one spill wrote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from perfpilot.redaction import redact
from perfpilot.workload.fingerprint import fingerprint
from perfpilot.workload.models import TempFiles

_TEMP_FILE = re.compile(r'^temporary file: path "(?:[^"]|"")*", size (\d+)\s*$')
MAX_SHAPES = 20
"""Summaries kept per log: the statements that wrote the most bytes (a log of many stays bounded)."""
NO_STATEMENT = "(no statement logged)"


@dataclass(slots=True)
class _File:
    """One temporary file: its size, its log line and the statement the log names with it."""

    size: int
    line: int
    run: int
    """The execution (one process, until its next other LOG message) that wrote it."""
    statement: list[str] | None = None


def _largest_run(files: list[_File]) -> int:
    """The most bytes one execution wrote."""
    runs: dict[int, int] = {}
    for file in files:
        runs[file.run] = runs.get(file.run, 0) + file.size
    return max(runs.values())


@dataclass(slots=True)
class TempFileReader:
    """Fed the messages of one log in order (severity, body, line) and the continuation lines that
    follow them (`continuation`); `summaries()` at the end."""

    files: list[_File] = field(default_factory=list)
    last: _File | None = None  # the file a following STATEMENT message names
    reading: _File | None = None  # the file whose statement continues on tab-indented lines
    runs: dict[str | None, int] = field(default_factory=dict)  # each process's execution writing files

    def message(self, severity: str, body: str, line: int, session: str | None) -> None:
        """One message; `session` is the process (log_line_prefix's %p or %c) of a LOG message."""
        self.reading = None
        if severity == "LOG" and (found := _TEMP_FILE.match(body)) is not None:
            run = self.runs.setdefault(session, len(self.files))
            self.last = _File(size=int(found.group(1)), line=line, run=run)
            self.files.append(self.last)
            return
        if severity == "LOG":
            self.runs.pop(session, None)  # the process moved on: its next files are another execution's
        if severity == "STATEMENT" and self.last is not None and self.last.statement is None:
            self.last.statement = [body]
            self.reading = self.last
        if severity not in ("CONTEXT", "DETAIL", "HINT"):
            self.last = None  # another message: what follows describes it, not the file

    def continuation(self, text: str) -> None:
        if self.reading is not None and self.reading.statement is not None:
            self.reading.statement.append(text)

    def summaries(self, dialect: str = "postgres") -> list[TempFiles]:
        """Files summed per statement shape, the most bytes first."""
        groups: dict[str, tuple[str | None, list[_File]]] = {}
        for file in self.files:
            sql = "\n".join(file.statement).strip().rstrip(";").rstrip() if file.statement else ""
            shape = fingerprint(sql, dialect) if sql else None
            groups.setdefault(shape or NO_STATEMENT, (sql or None, []))[1].append(file)
        summaries = [
            TempFiles(
                fingerprint=key if key != NO_STATEMENT else None,
                statement=redact(" ".join(sql.split()))[:300] if sql else None,
                files=len(files),
                total_bytes=sum(f.size for f in files),
                spill_bytes=_largest_run(files),
                first_line=min(f.line for f in files),
            )
            for key, (sql, files) in groups.items()
        ]
        summaries.sort(key=lambda s: (-s.total_bytes, s.first_line))
        return summaries[:MAX_SHAPES]
