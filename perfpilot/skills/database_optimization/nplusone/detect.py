"""N+1 detection: one query shape repeated per parent row within a request (traces) or session (logs)."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from perfpilot.evidence.models import Span, Trace
from perfpilot.skills.database_optimization.catalog.models import Catalog
from perfpilot.skills.database_optimization.nplusone.batch_rewrite import batch_rewrite
from perfpilot.skills.database_optimization.shapes.models import ShapeDialect
from perfpilot.workload.fingerprint import fingerprint, fingerprint_id

Evidence = Literal["trace", "request", "transaction", "application_name", "connection"]
"""trace / request: a trace or request id; transaction: inside one BEGIN ... COMMIT; application_name: a
per-request application_name; connection: only a shared connection (no evidence of one request)."""
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
    grouped_by: Evidence = Field(
        default="trace", description="What ties the calls to one request (the evidence the log gives)."
    )
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


Groups = dict[tuple[str | None, str, Evidence], _Group]


def collect(
    groups: Groups, endpoint: str | None, request_id: str, source: str,
    statements: list[Statement], request_s: float | None, dialect: str, min_repeats: int,
    grouped_by: Evidence = "trace",
) -> None:
    """Add the bursts of one trace or session. With request_s None (logs), a burst's request time is
    the statement time from its parent to its last call."""
    for burst in repeated_shapes(statements, dialect, min_repeats):
        group = groups.setdefault(
            (endpoint, burst.fingerprint, grouped_by),
            _Group(example=burst.calls[0], parent=burst.parent, source=source),
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


def finish(
    groups: Groups, scope: Literal["trace", "session"], dialect: ShapeDialect, catalog: Catalog | None,
) -> list[NPlusOne]:
    """One NPlusOne per group, with the batched rewrite, weightiest first."""
    found: list[NPlusOne] = []
    for (endpoint, fp, grouped_by), group in groups.items():
        parent_sql = group.parent.sql if group.parent else None
        rewrite = batch_rewrite(group.example.sql, parent_sql, dialect, catalog)
        found.append(NPlusOne(
            scope=scope, grouped_by=grouped_by, endpoint=endpoint, shape_id=fingerprint_id(fp),
            fingerprint=fp, example=group.example.sql,
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
    groups: Groups = {}
    for trace in traces:
        db_spans = sorted((s for s in trace.spans if _statement(s)), key=lambda s: s.start_ns)
        statements = [Statement(_statement(s) or "", s.duration_ms / 1000) for s in db_spans]
        root = trace.root
        request_s = (root.end_ns - root.start_ns) / 1e9
        collect(groups, endpoint_of(root), trace.trace_id, trace.source, statements, request_s, dialect,
                 min_repeats)
    return finish(groups, "trace", dialect, catalog)
