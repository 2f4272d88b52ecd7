"""Traffic per (method, path template) from the access log, and a cache simulation over it.

The simulation replays requests in log order: a 200 GET whose exact URL (path and query) was stored less
than `ttl_s` seconds earlier is a hit; a miss stores the URL. Without timestamps the TTL is unbounded.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from perfpilot.evidence.models import AccessLogEntry
from perfpilot.skills.edge_computing.edge_data import SERVED_BY_CACHE
from perfpilot.skills.edge_computing.templates import templates_of


@dataclass(frozen=True)
class EndpointTraffic:
    """All logged requests to one method and path template, in log order."""

    method: str
    template: str
    entries: tuple[AccessLogEntry, ...]

    @property
    def key(self) -> str:
        """`GET /api/products/{id}`: method and template, unique per endpoint."""
        return f"{self.method} {self.template}"

    @property
    def requests(self) -> int:
        return len(self.entries)

    @property
    def ok_share(self) -> float:
        return sum(1 for e in self.entries if e.status == 200) / self.requests

    @property
    def cached_share(self) -> float:
        """Share of requests a cache in front of the origin already served (logged cache status)."""
        return sum(1 for e in self.entries if (e.cache_status or "") in SERVED_BY_CACHE) / self.requests

    @property
    def distinct_urls(self) -> int:
        return len({e.path for e in self.entries})

    @property
    def total_bytes(self) -> int:
        return sum(e.bytes_sent or 0 for e in self.entries)

    @property
    def mean_bytes(self) -> float:
        return self.total_bytes / self.requests

    @property
    def total_ms(self) -> float:
        return sum(e.duration_ms or 0.0 for e in self.entries)

    def durations(self) -> list[float]:
        return [e.duration_ms for e in self.entries if e.duration_ms is not None]


def group_traffic(entries: list[AccessLogEntry]) -> list[EndpointTraffic]:
    """Requests grouped by method and template, busiest first (ties by name)."""
    groups: dict[tuple[str, str], list[AccessLogEntry]] = defaultdict(list)
    templates = templates_of(e.path for e in entries)
    for entry in sorted(entries, key=lambda e: e.line):
        groups[(entry.method.upper(), templates[entry.path])].append(entry)
    traffic = [EndpointTraffic(m, t, tuple(es)) for (m, t), es in groups.items()]
    return sorted(traffic, key=lambda t: (-t.requests, t.method, t.template))


def simulate_hits(entries: tuple[AccessLogEntry, ...], ttl_s: float) -> list[bool]:
    """Per request, whether a cache with this TTL would have served it."""
    stored: dict[str, float] = {}
    hits: list[bool] = []
    for entry in entries:
        if entry.method.upper() != "GET" or entry.status != 200:
            hits.append(False)
            continue
        now = entry.timestamp if entry.timestamp is not None else 0.0
        ttl = ttl_s if entry.timestamp is not None else math.inf
        at = stored.get(entry.path)
        if at is not None and now - at < ttl:
            hits.append(True)
            continue
        stored[entry.path] = now
        hits.append(False)
    return hits


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in (0, 1]); 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]
