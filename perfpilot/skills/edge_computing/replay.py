"""Replay an access log through a bounded shared cache: the hit ratio a real cache of that size would get.

The cache holds at most `max_entries` responses and `max_bytes` of bodies, evicting the least recently
used, and keeps each response for the TTL of its endpoint. Requests are replayed in time order (log
order when a log has no times: then the TTL is unbounded). The key is the method and the full URL (path
and query), as nginx's default proxy_cache_key `$scheme$proxy_host$request_uri`. Only 200 GET responses
of endpoints a shared cache may store are stored; the others always go to the origin.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from perfpilot.evidence.models import AccessLogEntry


@dataclass(frozen=True)
class ReplayResult:
    """Per request (by log line), whether the cache served it; and how many evictions it took."""

    hits: dict[int, bool]
    evictions: int

    def hit_count(self, entries: tuple[AccessLogEntry, ...]) -> int:
        return sum(1 for e in entries if self.hits.get(e.line, False))


def replay(
    entries: list[AccessLogEntry],
    ttl_for: Callable[[AccessLogEntry], float | None],
    max_entries: int,
    max_bytes: float,
) -> ReplayResult:
    """Replay every request; `ttl_for` gives the TTL of a request's endpoint, None when not storable."""
    ordered = sorted(entries, key=lambda e: (e.timestamp if e.timestamp is not None else 0.0, e.line))
    stored: OrderedDict[str, tuple[float, int]] = OrderedDict()  # key -> (stored at, bytes)
    used, evictions = 0, 0
    hits: dict[int, bool] = {}
    for entry in ordered:
        ttl = ttl_for(entry) if entry.method.upper() == "GET" and entry.status == 200 else None
        if ttl is None or ttl <= 0:
            hits[entry.line] = False
            continue
        key = f"GET {entry.path}"
        now = entry.timestamp if entry.timestamp is not None else 0.0
        lifetime = ttl if entry.timestamp is not None else math.inf
        held = stored.get(key)
        if held is not None and now - held[0] < lifetime:
            stored.move_to_end(key)
            hits[entry.line] = True
            continue
        hits[entry.line] = False
        size = entry.bytes_sent or 0
        if held is not None:
            used -= held[1]
            del stored[key]
        if size > max_bytes:
            continue  # larger than the whole cache: never stored
        stored[key] = (now, size)
        used += size
        while len(stored) > max_entries or used > max_bytes:
            _, (_, freed) = stored.popitem(last=False)
            used -= freed
            evictions += 1
    return ReplayResult(hits, evictions)
