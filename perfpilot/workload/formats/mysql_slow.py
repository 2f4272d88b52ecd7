"""MySQL slow query log: `# Time`, `# User@Host ... Id`, `# Query_time ...` headers, then the statement.

Read in large chunks and split into entries by one compiled regex (header block + body block), so the
per-entry work stays in C as far as possible: a 1,000,000-entry log is parsed in seconds.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator
from datetime import UTC, datetime
from typing import Protocol

from perfpilot.workload.accel import slowlog
from perfpilot.workload.events import ParseStats, QueryEvent

# One entry: either the common header layout (groups 1-5: time, thread id, query time, rows sent, rows
# examined) or any run of `#` lines (group 6); then `use db;` (7), `SET timestamp=N;` (8), statement (9).
# The time is matched greedily up to its last non-blank character: a third faster than a lazy match.
_ADMIN = "# administrator command:"
_ENTRY = re.compile(
    r"(?:(?:# Time: ((?:[^\n]*[^ \t\r\n])?)[ \t\r]*\n)?# User@Host: [^\n]*Id:[ \t]*(\d+)[ \t\r]*\n"
    r"# Query_time: ([0-9]+(?:\.[0-9]*)?)\s+Lock_time: [0-9.]+\s+"
    r"Rows_sent: (\d+)\s+Rows_examined: (\d+)[^\n]*\n"
    r"(?!#(?! administrator command:))"
    r"|((?:(?!# administrator command:)#[^\n]*\n)+))"
    r"(?:[Uu][Ss][Ee] +`?([^\s;`]+)`?;?[ \t\r]*\n)?(?:SET timestamp=(\d+);[ \t\r]*\n)?"
    r"((?:[^#\n][^\n]*\n|\n|# administrator command:[^\n]*\n)*)"
)
_STARTUP = re.compile(r"[^\n]*, Version: [^\n]*started with:\s*$|Tcp port: |Time\s+Id\s+Command")
_QUERY_TIME = re.compile(r"Query_time: (\S+)")
_ROWS_SENT = re.compile(r"Rows_sent: (\S+)")
_ROWS_EXAMINED = re.compile(r"Rows_examined: (\S+)")
_BANNER = "started with:"
_PORT = "Tcp port: "
_PEELED = ("SET timestamp=", "set timestamp=", "use ", "USE ", "SET insert_id=", "SET last_insert_id=")
# The session variables mysqld writes before a statement to replay it (`SET insert_id=5,timestamp=N;`).
_SESSION_SET = re.compile(
    r"set (?:(?:last_insert_id|insert_id|timestamp)=\d+,?)+;?[ \t\r]*$", re.IGNORECASE
)
_SET_TIMESTAMP = re.compile(r"timestamp=(\d+)", re.IGNORECASE)
_CHUNK = 4 << 20
# The C reader of common-layout entries (perfpilot/workload/_slowlog_c.c), or None: the regex reads all.
_scan_entries = slowlog.scan_entries if slowlog is not None else None


def _line_value(header: str, key: str) -> str | None:
    """The rest of the header line after `key`, or None."""
    at = header.find(key)
    if at < 0:
        return None
    end = header.find("\n", at)
    return header[at + len(key) : end].strip()


class _State:
    """What carries over from entry to entry: the last # Time and the current database."""

    __slots__ = ("database", "timestamp")

    def __init__(self) -> None:
        self.timestamp: str | None = None
        self.database: str | None = None


def _body_statement(body: str, state: _State, stats: ParseStats, line: int) -> tuple[str, str | None]:
    """Peel `use db;`, `SET timestamp=N;` and startup-banner lines off a body; return (sql, epoch)."""
    epoch: str | None = None
    while True:
        head = body[:14]
        end = body.find("\n")
        first = body[: end if end >= 0 else len(body)]
        if head[:4].lower() == "use ":
            name = body[4:end].strip().rstrip(";").strip().strip("`")
            if name and " " not in name:
                state.database = name
            body = body[end + 1 :]
        elif head.lower() == "set timestamp=" and not _SESSION_SET.match(first):
            epoch = body[14:end].strip().rstrip(";").strip()
            body = body[end + 1 :]
        elif head[:4].lower() == "set " and _SESSION_SET.match(first):
            found = _SET_TIMESTAMP.search(first)
            epoch = found.group(1) if found else epoch
            body = body[end + 1 :] if end >= 0 else ""
        else:
            break
    admin: str | None = None
    if "started with:" in body or "Tcp port: " in body or _ADMIN in body:
        kept = []
        for part in body.split("\n"):
            if part.startswith(_ADMIN):
                admin = admin or part[2:].strip().rstrip(";").strip()
            elif not _STARTUP.match(part):
                kept.append(part)
        body = "\n".join(kept)
    if epoch is not None and not epoch.isdigit():
        stats.skip(line, "unreadable SET timestamp")
        epoch = None
    sql = body.strip().rstrip(";").rstrip()
    # `# administrator command: Quit;` (and Ping, Prepare...) is its own class, as pt-query-digest counts it
    return (sql or admin or ""), epoch


# One entry as a plain tuple (cheaper than a QueryEvent on the digest's hot path):
# (sql, duration_s, rows_examined, rows_sent, session_id, timestamp, line, database).
SlowLogRow = tuple[str, float | None, int | None, int | None, str | None, str | None, int, str | None]


def _generic_entry(match: re.Match[str], state: _State, stats: ParseStats, line: int) -> SlowLogRow | None:
    """An entry whose header is not the common layout (Percona fields, no Id, admin commands...)."""
    header, database, epoch, body = match.group(6, 7, 8, 9)
    if database is not None:
        state.database = database
    if "# Time: " in header:
        state.timestamp = _line_value(header, "# Time: ") or state.timestamp
    session = _line_value(header, "Id: ") if "Id: " in header else None
    if "Thread_id: " in header:
        value = _line_value(header, "Thread_id: ")
        session = value.split()[0] if value else session
    if "Schema: " in header:
        value = _line_value(header, "Schema: ")
        state.database = value.split()[0] if value else state.database
    duration = examined = sent = None
    if "Query_time: " in header:
        try:
            found = _QUERY_TIME.search(header)
            duration = float(found.group(1)) if found else None
            found = _ROWS_SENT.search(header)
            sent = int(found.group(1)) if found else None
            found = _ROWS_EXAMINED.search(header)
            examined = int(found.group(1)) if found else None
        except ValueError:
            stats.skip(line + header.count("\n", 0, header.find("Query_time")), "unreadable # Query_time")
    sql, peeled_epoch = _body_statement(body, state, stats, line) if body else ("", None)
    epoch = peeled_epoch or epoch
    if not sql:
        return None
    return (sql, duration, examined, sent, session, _stamp(state, epoch), line, state.database)


def _stamp(state: _State, epoch: str | None) -> str | None:
    """The entry's time: the last # Time line, else its SET timestamp as ISO 8601."""
    if state.timestamp is None and epoch is not None:
        return datetime.fromtimestamp(int(epoch), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return state.timestamp


def _complete_end(text: str) -> int:
    """Where the last entry of a chunk starts (it may continue in the next chunk); -1 if none."""
    cut = text.rfind("\n#")
    while cut > 0:
        previous = text.rfind("\n", 0, cut)
        if text[previous + 1] != "#" or text.startswith(_ADMIN, previous + 1):
            break
        cut = previous
    return cut + 1 if cut >= 0 else -1


def _gap(text: str, stats: ParseStats, line: int) -> None:
    """Text outside any entry: the startup banner is expected, anything else is counted."""
    for offset, part in enumerate(text.split("\n")):
        if part.strip() and not _STARTUP.match(part) and not part.startswith(_ADMIN):
            stats.skip(line + offset, "text outside a slow-log entry")


class TextSource(Protocol):
    """Anything with read(size) -> str: an open text file, io.StringIO, a decoded byte range."""

    def read(self, size: int, /) -> str: ...


def parse_mysql_slow(stream: TextSource, stats: ParseStats, first_line: int = 1) -> Iterator[QueryEvent]:
    """Yield one event per slow-log entry; text outside entries is counted as unparsed."""
    for row in iter_slow_log_rows(stream, stats, first_line):
        yield QueryEvent(*row)


def iter_slow_log_rows(stream: TextSource, stats: ParseStats, first_line: int = 1) -> Iterator[SlowLogRow]:
    """The entries of a slow log as SlowLogRow tuples; text outside entries is counted as unparsed."""
    state = _State()
    pending = ""
    line = first_line  # line number of pending[0]
    while True:
        block = stream.read(_CHUNK)
        final = not block
        text = pending + block
        if final:
            if text and not text.endswith("\n"):
                text += "\n"
            limit = len(text)
        else:
            limit = _complete_end(text)
            if limit <= 0:  # no entry starts here yet: read on (bounded below)
                limit = 0
        position, line = yield from _chunk_rows(text, limit, state, stats, line)
        if final:
            if position < len(text) and text[position:].strip():
                _gap(text[position:], stats, line)
            return
        pending = text[position:]
        if len(pending) > 4 * _CHUNK:  # no entry boundary in a long stretch: not a slow log
            _gap(pending, stats, line)
            line += pending.count("\n")
            pending = ""


def _chunk_rows(
    text: str, limit: int, state: _State, stats: ParseStats, line: int
) -> Generator[SlowLogRow, None, tuple[int, int]]:
    """The rows of the entries in text[:limit]; returns where the last one ended and its line number.

    With the C accelerator, runs of common-layout entries are read by `scan_entries` (the same rows);
    the entry where it stops, and every entry without it, is read by the regex below.
    """
    scan = _scan_entries
    position = 0
    while True:
        if scan is not None:
            rows, position, line, state.timestamp = scan(
                text, position, limit, line, state.timestamp, state.database
            )
            yield from rows
        match = _ENTRY.search(text, position, limit)
        if match is None:
            return position, line
        start = match.start()
        if start != position:
            _gap(text[position:start], stats, line)
            line += text.count("\n", position, start)
        stamp, session, duration, sent, examined, header, database, epoch, body = match.groups()
        position = match.end()
        if header is not None:  # an unusual header: the general reader
            event = _generic_entry(match, state, stats, line)
            if event is not None:
                yield event
            line += text.count("\n", start, position)
            continue
        # The common layout, read by the regex alone.
        entry_line = line
        line += body.count("\n") + 2
        if stamp is not None:
            state.timestamp = stamp
            line += 1
        if database is not None:
            state.database = database
            line += 1
        if epoch is not None:
            line += 1
        if body.startswith(_PEELED) or _ADMIN in body or _BANNER in body or _PORT in body:
            sql, peeled_epoch = _body_statement(body, state, stats, entry_line)
            epoch = peeled_epoch or epoch
        else:
            sql = body.rstrip().rstrip(";").rstrip()
        if sql:
            when = state.timestamp
            if when is None and epoch is not None:
                when = _stamp(state, epoch)
            database = state.database
            yield sql, float(duration), int(examined), int(sent), session, when, entry_line, database
