"""Statement streams: the statements of each request, session or connection, in order, up to a bound."""

from __future__ import annotations

from datetime import UTC, datetime

from perfpilot.workload.events import QueryEvent
from perfpilot.workload.fingerprint import fingerprint_id
from perfpilot.workload.formats.mysql_slow import SlowLogRow
from perfpilot.workload.models import StatementStream, StreamStatement

MAX_STREAM_STATEMENTS = 200_000
"""Statements kept over all streams of one digest (a bound on memory; later ones are left out)."""


def epoch_of(stamp: str | None) -> float | None:
    """Unix seconds of an ISO-8601 or PostgreSQL log timestamp ('... UTC'); None when unreadable."""
    if not stamp:
        return None
    text = stamp.strip().replace(" UTC", "+00:00").replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


_Kept = tuple[str, float | None, int | None, str | None, str | None]
"""One recorded statement until the streams are built: (shape text, duration, line, stamp, application)."""


class StreamRecorder:
    """Collects the single executions of session-tagged events, by session, as the digest reads them.

    Recording keeps a plain tuple per statement; the StatementStream models (with shape ids and epoch
    seconds, each computed once per distinct value) are built when `streams()` is asked for.
    """

    def __init__(self, limit: int = MAX_STREAM_STATEMENTS) -> None:
        self.limit = limit
        self.kept = 0
        self.truncated = False
        self._kept: dict[str, tuple[bool, list[_Kept]]] = {}

    def add(self, event: QueryEvent, shape_text: str) -> None:
        """Record one event whose fingerprint text is `shape_text` (aggregates and untagged are left out)."""
        if event.count == 1:
            self.record(shape_text, event.session_id, event.request_id, event.duration_s, event.line,
                        event.timestamp, event.application)

    def add_row(self, row: SlowLogRow, shape_text: str) -> None:
        """Record one slow-log row (sql, duration, examined, sent, session, stamp, line, database)."""
        self.record(shape_text, row[4], None, row[1], row[6], row[5], None)

    def record(
        self, shape_text: str, session: str | None, request: str | None, duration_s: float | None,
        line: int | None, stamp: str | None, application: str | None,
    ) -> None:
        if session is None:
            return
        if self.kept >= self.limit:
            self.truncated = True
            return
        stream = self._kept.get(session)
        if stream is None:
            stream = self._kept[session] = (request == session, [])
        stream[1].append((shape_text, duration_s, line, stamp, application))
        self.kept += 1

    def streams(self) -> list[StatementStream]:
        """The recorded statements as StatementStream models, by session in first-seen order."""
        shape_ids: dict[str, str] = {}
        epochs: dict[str | None, float | None] = {}
        built = []
        for key, (request, kept) in self._kept.items():
            statements = []
            for shape_text, duration_s, line, stamp, application in kept:
                shape_id = shape_ids.get(shape_text)
                if shape_id is None:
                    shape_id = shape_ids[shape_text] = fingerprint_id(shape_text)
                if stamp in epochs:
                    at = epochs[stamp]
                else:
                    at = epochs[stamp] = epoch_of(stamp)
                statements.append(StreamStatement(
                    shape_id=shape_id, duration_s=duration_s or 0.0, line=line or None, at=at,
                    application=application,
                ))
            built.append(StatementStream(key=key, request=request, statements=statements))
        return built
