"""MySQL slow query log: `# Time`, `# User@Host ... Id`, `# Query_time ...` headers, then the statement."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

from perfpilot.workload.events import ParseStats, QueryEvent

_STARTUP_PREFIXES = ("Tcp port:", "Time                 Id Command", "Time  Id Command")
_ADMIN = "# administrator command:"


def _is_startup_line(line: str) -> bool:
    return (", Version: " in line and "started with:" in line) or line.startswith(_STARTUP_PREFIXES)


def parse_mysql_slow(lines: Iterable[str], stats: ParseStats) -> Iterator[QueryEvent]:
    """Yield one event per slow-log entry; unknown lines outside an entry are counted as unparsed."""
    timestamp: str | None = None
    database: str | None = None
    session: str | None = None
    duration: float | None = None
    examined: int | None = None
    sent: int | None = None
    set_timestamp: str | None = None
    has_header = False
    entry_line = 0
    statement: list[str] = []
    statement_line = 0

    for line_no, raw in enumerate(lines, 1):
        if raw.startswith("#"):
            if statement:
                text = "\n".join(statement).strip().rstrip(";").rstrip()
                if text:
                    yield QueryEvent(
                        text, duration, examined, sent, session, timestamp or set_timestamp,
                        entry_line or statement_line, database,
                    )
                statement = []
                duration = examined = sent = None
                set_timestamp = None
                has_header = False
                entry_line = 0
            if not entry_line:
                entry_line = line_no
            has_header = True
            tag = raw[2:7]
            if tag == "Query":  # Query_time: 0.1  Lock_time: 0.0 Rows_sent: 1  Rows_examined: 10
                fields = raw.split()
                try:
                    for i in range(1, len(fields) - 1, 2):
                        key = fields[i]
                        if key == "Query_time:":
                            duration = float(fields[i + 1])
                        elif key == "Rows_sent:":
                            sent = int(fields[i + 1])
                        elif key == "Rows_examined:":
                            examined = int(fields[i + 1])
                except ValueError:
                    stats.skip(line_no, "unreadable # Query_time line")
            elif tag == "Time:":
                timestamp = raw[8:].strip() or None
            elif tag == "User@":
                at = raw.rfind("Id:")
                session = raw[at + 3 :].strip() or None if at >= 0 else None
            elif tag == "Threa":  # Percona: # Thread_id: 12  Schema: db ...
                fields = raw.split()
                if len(fields) > 2:
                    session = fields[2]
                if "Schema:" in fields:
                    at = fields.index("Schema:")
                    database = fields[at + 1] if at + 1 < len(fields) else database
            elif tag == "Schem":
                fields = raw.split()
                database = fields[2] if len(fields) > 2 else database
            elif raw.startswith(_ADMIN):
                has_header = False  # `# administrator command: Quit;` is not a statement
                entry_line = 0
            continue
        if statement:
            statement.append(raw.rstrip("\r\n"))
            continue
        stripped = raw.strip()
        if not stripped:
            continue
        lowered = stripped[:14].lower()
        if lowered.startswith("set timestamp="):
            try:
                epoch = int(stripped[14:].rstrip(";").strip())
                set_timestamp = datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            except ValueError:
                stats.skip(line_no, "unreadable SET timestamp")
            continue
        if lowered.startswith("use ") and stripped.endswith(";") and " " not in stripped[4:-1].strip():
            database = stripped[4:-1].strip().strip("`") or database
            continue
        if _is_startup_line(raw):
            continue
        if not has_header:
            stats.skip(line_no, "statement text outside a slow-log entry")
            continue
        statement = [raw.rstrip("\r\n")]
        statement_line = line_no

    if statement:
        text = "\n".join(statement).strip().rstrip(";").rstrip()
        if text:
            yield QueryEvent(
                text, duration, examined, sent, session, timestamp or set_timestamp,
                entry_line or statement_line, database,
            )
