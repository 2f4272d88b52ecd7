"""QueryEvent, the record every workload format yields, and ParseStats, the count of lines skipped."""

from __future__ import annotations

from dataclasses import dataclass

import structlog

_log = structlog.get_logger(__name__)
_LOUD_SKIPS = 10


@dataclass(slots=True)
class QueryEvent:
    """One executed statement (or, with count > 1, an aggregate of `count` executions).

    `duration_s`, `rows_examined` and `rows_sent` are totals over the `count` executions.
    `session_id` is whatever groups the statements (request, trace, session or connection id);
    `request_id` is set only when that group is known to be one request.
    """

    sql: str
    duration_s: float | None = None
    rows_examined: int | None = None
    rows_sent: int | None = None
    session_id: str | None = None
    timestamp: str | None = None
    line: int = 0
    database: str | None = None
    count: int = 1
    request_id: str | None = None
    """The request or trace the statement ran for, when the log says (not a connection id)."""
    application: str | None = None
    """The client's application_name, when the log says."""


@dataclass(slots=True)
class ParseStats:
    """Malformed input seen while parsing one source: counted, and logged with file:line."""

    source: str
    unparsed_lines: int = 0

    def skip(self, line: int, reason: str) -> None:
        """Count one malformed line; the first few are warnings, the rest debug messages."""
        self.unparsed_lines += 1
        where = f"{self.source}:{line}"
        if self.unparsed_lines <= _LOUD_SKIPS:
            _log.warning("workload.unparsed_line", where=where, reason=reason)
        else:
            _log.debug("workload.unparsed_line", where=where, reason=reason)
