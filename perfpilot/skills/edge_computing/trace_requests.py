"""Requests from traces when no access log exists: one per server root span with HTTP attributes
(OpenTelemetry semantic conventions, old and new attribute names)."""

from __future__ import annotations

from perfpilot.evidence.models import AccessLogEntry, AttrValue, Trace


def _first(attributes: dict[str, AttrValue], *names: str) -> AttrValue | None:
    return next((attributes[n] for n in names if n in attributes), None)


def requests_from_traces(traces: list[Trace]) -> list[AccessLogEntry]:
    """AccessLogEntry records (line = position among the traces) for HTTP server root spans."""
    entries: list[AccessLogEntry] = []
    for position, trace in enumerate(traces, start=1):
        root = trace.root
        attrs = root.attributes
        method = _first(attrs, "http.request.method", "http.method")
        path = _first(attrs, "url.path", "http.target")
        status = _first(attrs, "http.response.status_code", "http.status_code")
        if method is None or path is None or status is None:
            continue
        query = _first(attrs, "url.query")
        size = _first(attrs, "http.response.body.size", "http.response_content_length")
        entries.append(
            AccessLogEntry(
                timestamp=root.start_ns / 1e9,
                method=str(method),
                path=f"{path}?{query}" if query else str(path),
                status=int(status),
                duration_ms=root.duration_ms,
                bytes_sent=int(size) if size is not None else None,
                line=position,
            )
        )
    return entries
