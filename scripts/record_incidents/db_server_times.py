"""Transaction times as the server logged them: an autocommit statement's time, or BEGIN to COMMIT.

Reads lines of a PostgreSQL stderr log written with log_line_prefix '%m [%p] %q%u@%d ' and
log_min_duration_statement = 0. A statement's time is its execute duration plus its parse and bind
durations (extended protocol); a transaction opened by BEGIN lasts from the start of BEGIN to the end of
COMMIT (or ROLLBACK), round trips between its statements included.
"""

from __future__ import annotations

import re
from datetime import datetime

LINE = re.compile(
    r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+) \w+ \[(\d+)\] \S+ LOG:  duration: ([0-9.]+) ms  "
    r"(statement|execute|bind|parse)(?: [^:]*)?: (.*)$"
)
OPENERS = ("BEGIN", "START TRANSACTION")
CLOSERS = ("COMMIT", "END", "ROLLBACK")


def transaction_times_ms(log_text: str) -> list[float]:
    """Milliseconds of every transaction the log shows, in log order."""
    opened: dict[str, float] = {}  # session pid -> when its BEGIN started (s)
    prepared: dict[str, float] = {}  # session pid -> parse/bind ms of the statement about to execute
    times: list[float] = []
    for line in log_text.splitlines():
        found = LINE.match(line)
        if found is None:
            continue
        stamp, pid, duration, kind, sql = found.groups()
        ms = float(duration)
        if kind in ("parse", "bind"):
            prepared[pid] = prepared.get(pid, 0.0) + ms
            continue
        ms += prepared.pop(pid, 0.0)
        ended = datetime.fromisoformat(stamp).timestamp()
        word = sql.strip().rstrip(";").strip().upper()
        if word in OPENERS:
            opened[pid] = ended - ms / 1000
        elif word in CLOSERS:
            started = opened.pop(pid, None)
            if started is not None:
                times.append(round((ended - started) * 1000, 3))
        elif pid not in opened:
            times.append(round(ms, 3))
    return times
