"""PostgreSQL stderr logs: `duration: X ms  statement|execute <name>: SQL` under common line prefixes.

auto_explain's `duration: X ms  plan:` messages are plans, not statement executions (the statement's own
duration line, from log_min_duration_statement, times it): they are kept in `ParseStats.plans`; lock waits
(`log_lock_waits`) in `ParseStats.lock_waits`; temporary files (`log_temp_files`) in
`ParseStats.temp_files`."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from perfpilot.workload.events import ParseStats, QueryEvent
from perfpilot.workload.formats.auto_explain import PLAN_MESSAGE, UnreadablePlan, logged_plan
from perfpilot.workload.formats.lock_waits import LockWaitReader
from perfpilot.workload.formats.temp_files import TempFileReader

# The message starts at the severity; everything before it is the log_line_prefix.
_MESSAGE = re.compile(
    r"\b(LOG|ERROR|WARNING|FATAL|PANIC|DETAIL|HINT|CONTEXT|STATEMENT|NOTICE|INFO|QUERY|LOCATION"
    r"|DEBUG[1-5]?):  ?(.*)$"
)
_DURATION = re.compile(
    r"duration: ([0-9.]+) ms(?:  ?(statement|execute|bind|parse)(?: ([^:]*))?: (.*))?$", re.DOTALL
)
_STATEMENT = re.compile(r"(statement|execute|bind|parse)(?: [^:]*)?: (.*)$", re.DOTALL)
_TIMESTAMP = re.compile(
    r"^(\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:\.\d+)?(?: ?[A-Z]{2,5}|[+-]\d\d(?::?\d\d)?)?)"
)
_PID = re.compile(r"\[(\d+)\]")
_SESSION = re.compile(r"\b([0-9a-f]{6,}\.[0-9a-f]+)\b")
_DATABASE = re.compile(r"\bdb=([^,\s\]]+)|\b[\w.-]+@([\w.-]+)")


@dataclass(slots=True)
class _Pending:
    """A statement being read (it may continue on tab-indented lines)."""

    event: QueryEvent
    parts: list[str]
    awaiting_duration: bool


def _prefix_fields(prefix: str) -> tuple[str | None, str | None, str | None]:
    """(timestamp, session id, database) from a log_line_prefix such as '%m [%p] %q%u@%d '."""
    stamp = _TIMESTAMP.match(prefix)
    session = _SESSION.search(prefix) or _PID.search(prefix)
    db = _DATABASE.search(prefix)
    return (
        stamp.group(1) if stamp else None,
        session.group(1) if session else None,
        (db.group(1) or db.group(2)) if db else None,
    )


@dataclass(slots=True)
class _PendingPlan:
    """An auto_explain plan being read from its tab-indented lines."""

    line: int
    duration_s: float
    parts: list[str]
    awaiting_duration: bool = False

    def keep(self, stats: ParseStats) -> None:
        try:
            stats.keep_plan(logged_plan(self.parts, self.line, self.duration_s))
        except UnreadablePlan as exc:
            stats.skip(self.line, str(exc))


def _finish(pending: _Pending) -> QueryEvent:
    pending.event.sql = "\n".join(pending.parts).strip().rstrip(";").rstrip()
    return pending.event


def parse_postgres_log(lines: Iterable[str], stats: ParseStats) -> Iterator[QueryEvent]:
    """Yield statements with their durations; `statement:` then `duration:` lines are paired by session."""
    current: _Pending | _PendingPlan | None = None  # the message that tab-indented lines continue
    waiting: dict[str | None, _Pending] = {}  # `statement:` lines (log_statement) awaiting a duration
    locks = LockWaitReader()
    temps = TempFileReader()

    for line_no, raw in enumerate(lines, 1):
        line = raw.rstrip("\r\n")
        if line.startswith("\t"):
            temps.continuation(line[1:])
            if current is not None:
                current.parts.append(line[1:])
            continue
        if not line.strip():
            continue
        if isinstance(current, _PendingPlan):
            current.keep(stats)
        elif current is not None and not current.awaiting_duration:
            yield _finish(current)
        current = None
        message = _MESSAGE.search(line)
        if message is None:
            stats.skip(line_no, "not a PostgreSQL log line")
            continue
        body = message.group(2)
        locks.message(message.group(1), body, line_no)
        if message.group(1) != "LOG":
            temps.message(message.group(1), body, line_no, None)
            continue
        stamp, session, database = _prefix_fields(line[: message.start()])
        temps.message("LOG", body, line_no, session)
        if body.startswith("duration: "):
            plan = PLAN_MESSAGE.match(body)
            if plan is not None:
                current = _PendingPlan(line_no, float(plan.group(1)) / 1000, [])
                continue
            found = _DURATION.match(body)
            if found is None:
                stats.skip(line_no, "unreadable duration")
                continue
            duration = float(found.group(1)) / 1000
            kind = found.group(2)
            if kind is None:  # log_duration: pairs with the session's earlier statement line
                earlier = waiting.pop(session, None)
                if earlier is not None:
                    earlier.event.duration_s = duration
                    yield _finish(earlier)
                continue
            if kind in ("bind", "parse"):
                continue  # the execute line that follows carries the statement's run time
            event = QueryEvent("", duration, None, None, session, stamp, line_no, database)
            current = _Pending(event, [found.group(4)], awaiting_duration=False)
            continue
        found = _STATEMENT.match(body)
        if found is not None and found.group(1) in ("statement", "execute"):
            earlier = waiting.pop(session, None)
            if earlier is not None:
                yield _finish(earlier)
            event = QueryEvent("", None, None, None, session, stamp, line_no, database)
            current = _Pending(event, [found.group(2)], awaiting_duration=True)
            waiting[session] = current

    if isinstance(current, _PendingPlan):
        current.keep(stats)
    elif current is not None and not current.awaiting_duration:
        yield _finish(current)
    for earlier in waiting.values():
        yield _finish(earlier)
    stats.lock_waits = locks.summaries()
    stats.temp_files = temps.summaries()
