"""N+1 detection: one query shape repeated per parent row within a request (traces) or session (logs)."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from perfpilot.evidence.models import Span, Trace
from perfpilot.skills.database_optimization.catalog.models import Catalog
from perfpilot.skills.database_optimization.nplusone.batch_rewrite import batch_rewrite
from perfpilot.skills.database_optimization.shapes.models import ShapeDialect
from perfpilot.workload.events import QueryEvent
from perfpilot.workload.fingerprint import fingerprint, fingerprint_id

DEFAULT_MIN_REPEATS = 5
MAX_CALL_GAP_S = 0.1
"""Seconds allowed between two logged calls of one burst (plus twice the later call's duration)."""
MAX_GAP = 2
"""Other statements allowed between two calls of one burst (e.g. a per-row lookup of a second table)."""
STATEMENT_KEYS = ("db.statement", "db.query.text")


class NPlusOne(BaseModel):
    """A query shape a request runs once per parent row, aggregated over the requests that do it."""

    model_config = ConfigDict(extra="forbid")

    scope: Literal["trace", "session"]
    endpoint: str | None = Field(default=None, description="Root span's http.route (or name); None for logs.")
    shape_id: str
    fingerprint: str
    example: str
    parent_shape_id: str | None = None
    parent_example: str | None = None
    requests: int = Field(description="Bursts seen: one per request (a pooled session may hold several).")
    calls_median: float
    calls_max: int
    request_share_median: float = Field(description="Median share of a request's time in the repeated calls.")
    repeated_time_s: float
    request_time_s: float
    rewrite: str
    rewrite_sql: str | None = None
    source: str = ""
    line: int | None = None
    samples: list[str] = Field(default_factory=list, description="A few trace or session ids.")


@dataclass(frozen=True)
class Statement:
    """One executed statement of a request, in order."""

    sql: str
    duration_s: float
    line: int | None = None
    fingerprint: str = ""
    at: float | None = None
    """When the statement was logged (unix seconds), if the log says."""


@dataclass
class _Group:
    example: Statement
    parent: Statement | None
    source: str
    calls: list[int] = field(default_factory=list)
    shares: list[float] = field(default_factory=list)
    repeated_s: float = 0.0
    request_s: float = 0.0
    samples: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Burst:
    """One run of a repeated shape: its calls, the statement just before it, and their positions."""

    fingerprint: str
    calls: list[Statement]
    parent: Statement
    start: int
    end: int


def repeated_shapes(
    statements: list[Statement], dialect: str, min_repeats: int, max_gap: int = MAX_GAP
) -> list[Burst]:
    """Bursts of one shape: >= min_repeats calls, at most `max_gap` other statements between two
    calls, right after a different (parent) statement. A pooled session holds many requests, so
    calls spread over a session are not an N+1; each burst counts as one request."""
    open_runs: dict[str, list[int]] = {}
    found: list[Burst] = []

    def close(fp: str, where: list[int]) -> None:
        if len(where) >= min_repeats and where[0] > 0:
            found.append(Burst(fp, [statements[i] for i in where], statements[where[0] - 1], where[0] - 1,
                               where[-1]))

    for index, statement in enumerate(statements):
        fp = statement.fingerprint or fingerprint(statement.sql, dialect)
        run = open_runs.get(fp)
        near = run is not None and index - run[-1] - 1 <= max_gap
        if run is not None and near and _close_in_time(statements[run[-1]], statement):
            run.append(index)
            continue
        if run is not None:
            close(fp, run)
        open_runs[fp] = [index]
    for fp, run in open_runs.items():
        close(fp, run)
    return sorted(found, key=lambda burst: burst.start)


def _close_in_time(previous: Statement, current: Statement) -> bool:
    """Whether two calls can be one loop's iterations: unknown times pass; known ones must be within
    MAX_CALL_GAP_S plus twice the later call's own duration (slow calls stretch a loop)."""
    if previous.at is None or current.at is None:
        return True
    return abs(current.at - previous.at) <= MAX_CALL_GAP_S + 2 * current.duration_s


def _epoch(stamp: str | None) -> float | None:
    """Unix seconds of an ISO-8601 or PostgreSQL log timestamp ('... UTC'); None when unreadable."""
    if not stamp:
        return None
    text = stamp.strip().replace(" UTC", "+00:00").replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def _collect(
    groups: dict[tuple[str | None, str], _Group], endpoint: str | None, request_id: str, source: str,
    statements: list[Statement], request_s: float | None, dialect: str, min_repeats: int,
) -> None:
    """Add the bursts of one trace or session. With request_s None (logs), a burst's request time is
    the statement time from its parent to its last call."""
    for burst in repeated_shapes(statements, dialect, min_repeats):
        group = groups.setdefault(
            (endpoint, burst.fingerprint), _Group(example=burst.calls[0], parent=burst.parent, source=source)
        )
        spent = sum(c.duration_s for c in burst.calls)
        window = request_s if request_s is not None else sum(
            s.duration_s for s in statements[burst.start : burst.end + 1]
        )
        group.calls.append(len(burst.calls))
        group.shares.append(min(1.0, spent / window) if window > 0 else 0.0)
        group.repeated_s += spent
        group.request_s += window
        if len(group.samples) < 3 and request_id not in group.samples:
            group.samples.append(request_id)


def _finish(
    groups: dict[tuple[str | None, str], _Group], scope: Literal["trace", "session"], dialect: ShapeDialect,
    catalog: Catalog | None,
) -> list[NPlusOne]:
    found: list[NPlusOne] = []
    for (endpoint, fp), group in groups.items():
        parent_sql = group.parent.sql if group.parent else None
        rewrite = batch_rewrite(group.example.sql, parent_sql, dialect, catalog)
        found.append(NPlusOne(
            scope=scope, endpoint=endpoint, shape_id=fingerprint_id(fp), fingerprint=fp,
            example=group.example.sql,
            parent_shape_id=fingerprint_id(fingerprint(parent_sql, dialect)) if parent_sql else None,
            parent_example=parent_sql, requests=len(group.calls),
            calls_median=float(statistics.median(group.calls)), calls_max=max(group.calls),
            request_share_median=round(statistics.median(group.shares), 4),
            repeated_time_s=round(group.repeated_s, 6), request_time_s=round(group.request_s, 6),
            rewrite=rewrite.description, rewrite_sql=rewrite.sql, source=group.source,
            line=group.example.line, samples=group.samples,
        ))
    return sorted(found, key=lambda n: (-n.repeated_time_s, n.endpoint or "", n.shape_id))


def endpoint_of(root: Span) -> str:
    route = root.attributes.get("http.route")
    method = root.attributes.get("http.request.method") or root.attributes.get("http.method")
    if route:
        return f"{method} {route}" if method else str(route)
    return root.name


def _statement(span: Span) -> str | None:
    value = next((span.attributes[k] for k in STATEMENT_KEYS if k in span.attributes), None)
    return value if isinstance(value, str) and value.strip() else None


def detect_in_traces(
    traces: Iterable[Trace], dialect: ShapeDialect = "postgres", *, min_repeats: int = DEFAULT_MIN_REPEATS,
    catalog: Catalog | None = None,
) -> list[NPlusOne]:
    """N+1 patterns per endpoint: a statement shape repeated >= min_repeats times after a parent query."""
    groups: dict[tuple[str | None, str], _Group] = {}
    for trace in traces:
        db_spans = sorted((s for s in trace.spans if _statement(s)), key=lambda s: s.start_ns)
        statements = [Statement(_statement(s) or "", s.duration_ms / 1000) for s in db_spans]
        root = trace.root
        request_s = (root.end_ns - root.start_ns) / 1e9
        _collect(groups, endpoint_of(root), trace.trace_id, trace.source, statements, request_s, dialect,
                 min_repeats)
    return _finish(groups, "trace", dialect, catalog)


def detect_in_events(
    events: Iterable[QueryEvent], source: str, dialect: ShapeDialect = "postgres", *,
    min_repeats: int = DEFAULT_MIN_REPEATS, catalog: Catalog | None = None,
) -> list[NPlusOne]:
    """N+1 patterns in a query log whose events carry a session or request id (others are ignored).

    A burst's request time is the statement time from its parent to its last call (logs carry no
    request wall time). Only
    fingerprints are kept per statement: the SQL held is the first statement seen of each shape."""
    sessions: dict[str, list[Statement]] = {}
    examples: dict[str, tuple[str, int | None]] = {}
    for event in events:
        if event.session_id is None or event.count != 1:
            continue
        fp = fingerprint(event.sql, dialect)
        sql, line = examples.setdefault(fp, (event.sql, event.line or None))
        sessions.setdefault(event.session_id, []).append(
            Statement(sql, event.duration_s or 0.0, line, fp, _epoch(event.timestamp))
        )
    groups: dict[tuple[str | None, str], _Group] = {}
    for session_id, statements in sessions.items():
        _collect(groups, None, session_id, source, statements, None, dialect, min_repeats)
    return _finish(groups, "session", dialect, catalog)
