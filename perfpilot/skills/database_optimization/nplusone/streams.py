"""N+1 in query logs, from the digest's statement streams, only where the log ties the calls to one request.

A burst of one shape after a parent statement is an N+1 when the log says the statements belong to one
request: a request or trace id (the stream is one request), one transaction (BEGIN ... COMMIT on the
session), or an application_name the application sets per request (it changes along the session).
Statements that merely share a pooled connection, each its own autocommit transaction, may be unrelated
requests interleaved in time: a burst there is reported as grouped_by 'connection', a low-confidence hint.
"""

from __future__ import annotations

from collections.abc import Iterator

from perfpilot.skills.database_optimization.catalog.models import Catalog
from perfpilot.skills.database_optimization.nplusone.detect import (
    DEFAULT_MIN_REPEATS,
    Evidence,
    Groups,
    NPlusOne,
    Statement,
    collect,
    finish,
)
from perfpilot.skills.database_optimization.shapes.models import ShapeDialect
from perfpilot.workload.models import QueryShape, StatementStream, WorkloadDigest

TRANSACTION_START = frozenset({"begin", "start transaction", "begin transaction", "begin work"})
TRANSACTION_END = frozenset({"commit", "rollback", "end", "commit work", "rollback work", "abort"})


def _marker(shape: QueryShape | None) -> str | None:
    """'start' or 'end' for a transaction-control statement, else None."""
    if shape is None:
        return None
    text = " ".join(shape.fingerprint.lower().rstrip(";").split())
    if text in TRANSACTION_START or text.startswith(("begin isolation", "start transaction ")):
        return "start"
    return "end" if text in TRANSACTION_END else None


def segments(
    stream: StatementStream, shapes: dict[str, QueryShape]
) -> Iterator[tuple[Evidence, list[Statement]]]:
    """The stream cut into runs whose statements the log ties together, each with its evidence."""
    def statement(index: int) -> Statement | None:
        item = stream.statements[index]
        shape = shapes.get(item.shape_id)
        if shape is None:
            return None
        return Statement(shape.example, item.duration_s, item.line, shape.fingerprint, item.at)

    if stream.request:
        yield "request", [s for i in range(len(stream.statements)) if (s := statement(i)) is not None]
        return
    per_request_names = len({s.application for s in stream.statements}) > 1
    run: list[Statement] = []
    run_kind: Evidence = "connection"
    run_name: str | None = None
    for index, item in enumerate(stream.statements):
        marker = _marker(shapes.get(item.shape_id))
        if marker is not None:  # a transaction opens or closes: the run so far ends
            yield run_kind, run
            run, run_kind = [], "transaction" if marker == "start" else "connection"
            continue
        if run_kind != "transaction" and per_request_names and item.application != run_name:
            yield run_kind, run
            run, run_kind = [], "application_name" if item.application else "connection"
        run_name = item.application
        found = statement(index)
        if found is not None:
            run.append(found)
    yield run_kind, run


def detect_in_streams(
    digest: WorkloadDigest, dialect: ShapeDialect = "postgres", *, min_repeats: int = DEFAULT_MIN_REPEATS,
    catalog: Catalog | None = None,
) -> list[NPlusOne]:
    """N+1 patterns (and connection-only hints) in one digest's statement streams."""
    shapes = {shape.id: shape for shape in digest.queries}
    groups: Groups = {}
    for stream in digest.streams:
        for evidence, statements in segments(stream, shapes):
            if len(statements) > min_repeats:
                collect(groups, None, stream.key, digest.source, statements, None, dialect, min_repeats,
                        grouped_by=evidence)
    return finish(groups, "session", dialect, catalog)
