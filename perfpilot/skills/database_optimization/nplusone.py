"""N+1 detection: one query shape repeated per parent row within a request (traces) or session (logs)."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from perfpilot.evidence.models import Span, Trace
from perfpilot.skills.database_optimization.batch_rewrite import batch_rewrite
from perfpilot.skills.database_optimization.catalog import Catalog
from perfpilot.skills.database_optimization.shape_models import ShapeDialect
from perfpilot.workload.events import QueryEvent
from perfpilot.workload.fingerprint import fingerprint, fingerprint_id

DEFAULT_MIN_REPEATS = 5
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
    requests: int = Field(description="Traces or sessions showing the repetition.")
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


def repeated_shapes(
    statements: list[Statement], dialect: str, min_repeats: int
) -> list[tuple[str, list[Statement], Statement]]:
    """(fingerprint, its calls, parent statement) for each shape repeated >= min_repeats after a parent."""
    positions: dict[str, list[int]] = {}
    for index, statement in enumerate(statements):
        fp = statement.fingerprint or fingerprint(statement.sql, dialect)
        positions.setdefault(fp, []).append(index)
    found: list[tuple[str, list[Statement], Statement]] = []
    for fp, where in positions.items():
        first = where[0]
        if len(where) >= min_repeats and first > 0:
            found.append((fp, [statements[i] for i in where], statements[first - 1]))
    return found


def _collect(
    groups: dict[tuple[str | None, str], _Group], endpoint: str | None, request_id: str, source: str,
    statements: list[Statement], request_s: float, dialect: str, min_repeats: int,
) -> None:
    for fp, calls, parent in repeated_shapes(statements, dialect, min_repeats):
        group = groups.setdefault((endpoint, fp), _Group(example=calls[0], parent=parent, source=source))
        spent = sum(c.duration_s for c in calls)
        group.calls.append(len(calls))
        group.shares.append(min(1.0, spent / request_s) if request_s > 0 else 0.0)
        group.repeated_s += spent
        group.request_s += request_s
        if len(group.samples) < 3:
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

    A session's time is the sum of its statements' durations (logs carry no request wall time). Only
    fingerprints are kept per statement: the SQL held is the first statement seen of each shape."""
    sessions: dict[str, list[Statement]] = {}
    examples: dict[str, tuple[str, int | None]] = {}
    for event in events:
        if event.session_id is None or event.count != 1:
            continue
        fp = fingerprint(event.sql, dialect)
        sql, line = examples.setdefault(fp, (event.sql, event.line or None))
        sessions.setdefault(event.session_id, []).append(Statement(sql, event.duration_s or 0.0, line, fp))
    groups: dict[tuple[str | None, str], _Group] = {}
    for session_id, statements in sessions.items():
        total = sum(s.duration_s for s in statements)
        _collect(groups, None, session_id, source, statements, total, dialect, min_repeats)
    return _finish(groups, "session", dialect, catalog)
