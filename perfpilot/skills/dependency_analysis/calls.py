"""Calls to other services in a trace: CLIENT spans naming a peer, and the peer's name.

A database span (db.* attributes) is the database layer, never an external call. The peer is named by
the first of peer.service, rpc.service, server.address, net.peer.name, http.host, or the host of
url.full / http.url (OpenTelemetry semantic conventions, old and new names).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from perfpilot.evidence.models import Span

DB_KEYS = ("db.system", "db.statement", "db.query.text", "db.system.name")
PEER_KEYS = ("peer.service", "rpc.service", "server.address", "net.peer.name", "http.host")
URL_KEYS = ("url.full", "http.url")
CALL_KEYS = ("http.request.method", "http.method", "rpc.system", "messaging.system")
UNNAMED_PEER = "unnamed peer"


def is_database(span: Span) -> bool:
    return any(k in span.attributes for k in DB_KEYS)


def peer_of(span: Span) -> str | None:
    """The other service a span calls, or None when it names none."""
    for key in PEER_KEYS:
        value = span.attributes.get(key)
        if value not in (None, ""):
            return str(value)
    for key in URL_KEYS:
        host = urlsplit(str(span.attributes.get(key, ""))).hostname
        if host:
            return host
    return None


def is_external(span: Span) -> bool:
    """A CLIENT span to another service (not a database call): it names a peer or is an HTTP/RPC call."""
    if span.kind != "client" or is_database(span):
        return False
    return peer_of(span) is not None or any(k in span.attributes for k in CALL_KEYS)


def peer_label(span: Span) -> str:
    return peer_of(span) or UNNAMED_PEER


def union_ns(spans: list[Span]) -> int:
    """Wall time covered by spans that may overlap."""
    covered, end = 0, -1
    for span in sorted(spans, key=lambda s: s.start_ns):
        start = max(span.start_ns, end)
        if span.end_ns > start:
            covered += span.end_ns - start
        end = max(end, span.end_ns)
    return covered


def uncovered_ns(start: int, end: int, others: list[Span]) -> int:
    """Nanoseconds of [start, end) that no span starting inside it covers (a gap between two calls)."""
    inside = [s for s in others if start <= s.start_ns < end]
    clipped = [s.model_copy(update={"end_ns": min(s.end_ns, end)}) for s in inside]
    return max(0, (end - start) - union_ns(clipped))
