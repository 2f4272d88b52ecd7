"""Hot lines that call a database driver: time a profile counts at the application, but spends in the driver.

A driver written in C (sqlite3, psycopg2, mysqlclient) has no Python frame, so a stack profile counts
the time inside it, running queries or waiting for the server, at the application line that calls it. When
the line holding most of a hot function's own time calls a DB-API method (PEP 249: execute, executemany,
fetchone/fetchmany/fetchall, commit, rollback; sqlite3's executescript), that time is the database's, and
the line's source, read from the service's own folders, is the evidence. The function's remaining own
time is still its own."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from perfpilot.evidence.profile_models import ProfileFrame
from perfpilot.skills.application_profiling.hot_functions import HotFunction
from perfpilot.skills.application_profiling.source_lines import source_line

_DB_API_CALL = re.compile(
    r"\.(?:execute|executemany|executescript|fetchone|fetchmany|fetchall|commit|rollback)\s*\("
)


@dataclass(frozen=True)
class DriverLine:
    """A hot function's line that calls a database driver, and the profile's share spent there."""

    frame: ProfileFrame
    share: float
    source: str


def driver_line(hot: HotFunction, roots: tuple[Path, ...]) -> DriverLine | None:
    """The hot function's self-time line when its source calls a DB-API method, else None."""
    if hot.self_line is None or not hot.self_line_share:
        return None
    frame = ProfileFrame(function=hot.function, file=hot.file, line=hot.self_line)
    text = source_line(frame, roots)
    if text is None or not _DB_API_CALL.search(text.split("#", 1)[0]):
        return None
    return DriverLine(frame, hot.self_line_share, text)


def own_share(hot: HotFunction, driver: DriverLine | None) -> float:
    """The hot path's share of the profile (exclusive when known) less the time in the driver."""
    share = hot.exclusive_share if hot.exclusive_share is not None else hot.total_share
    return round(max(0.0, share - (driver.share if driver else 0.0)), 4)
