"""QueryEvent, the record every workload format yields, and ParseStats, what parsing saw besides them."""

from __future__ import annotations

from dataclasses import dataclass, field

import structlog

from perfpilot.workload.models import LockWaits, LoggedPlan, TempFiles

_log = structlog.get_logger(__name__)
_LOUD_SKIPS = 10
MAX_LOGGED_PLANS = 50
"""auto_explain plans kept per source: the slowest, so a log full of plans stays bounded."""


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
    """What parsing one source saw besides its statements: malformed input (counted, and logged with
    file:line), the plans auto_explain logged (the slowest MAX_LOGGED_PLANS), and the lock waits and
    temporary files the server logged."""

    source: str
    unparsed_lines: int = 0
    plans: list[LoggedPlan] = field(default_factory=list)
    lock_waits: list[LockWaits] = field(default_factory=list)
    temp_files: list[TempFiles] = field(default_factory=list)

    def keep_plan(self, plan: LoggedPlan) -> None:
        """Keep a logged plan; past twice the bound, only the slowest MAX_LOGGED_PLANS stay."""
        self.plans.append(plan)
        if len(self.plans) > 2 * MAX_LOGGED_PLANS:
            self.plans = self.slowest_plans()

    def slowest_plans(self) -> list[LoggedPlan]:
        """The kept plans, slowest first (then in log order), at most MAX_LOGGED_PLANS."""
        return sorted(self.plans, key=lambda p: (-p.duration_s, p.line))[:MAX_LOGGED_PLANS]

    def skip(self, line: int, reason: str) -> None:
        """Count one malformed line; the first few are warnings, the rest debug messages."""
        self.unparsed_lines += 1
        where = f"{self.source}:{line}"
        if self.unparsed_lines <= _LOUD_SKIPS:
            _log.warning("workload.unparsed_line", where=where, reason=reason)
        else:
            _log.debug("workload.unparsed_line", where=where, reason=reason)
