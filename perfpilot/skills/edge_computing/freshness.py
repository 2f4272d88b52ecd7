"""TTL advice from how often an endpoint's responses were seen to change, and from its validators.

A URL's version is its ETag, else its Last-Modified, else (weakly) its body size: a different size is a
change; the same size is not proof of the same content, so a size-based TTL says so. The advice is the
shortest time any URL of the endpoint kept one version before it changed (a cached copy is then never
more than one version behind); with no change seen, the span the responses were observed over (what
was measured), capped at MAX_ADVISED_TTL_S. An origin TTL (max-age) is reported beside it, never
silently overridden.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass
from typing import Literal

from perfpilot.evidence.models import AccessLogEntry
from perfpilot.skills.edge_computing.edge_data import MAX_ADVISED_TTL_S, MIN_ADVISED_TTL_S

Basis = Literal["etag", "last_modified", "body_size", "none"]


@dataclass(frozen=True)
class TtlAdvice:
    """A TTL with what it rests on."""

    ttl_s: int
    basis: Basis
    changes: int
    """Version changes seen over every URL of the endpoint."""
    observed_s: float
    """Longest span over which one URL was observed."""
    shortest_version_s: float | None
    """Shortest time a URL kept one version before changing; None when nothing changed."""

    def explain(self) -> str:
        what = {
            "etag": "ETag",
            "last_modified": "Last-Modified",
            "body_size": "body size (weak: the same size is not proof of the same content)",
            "none": "nothing (no timestamps or versions)",
        }[self.basis]
        if self.shortest_version_s is not None:
            seen = (
                f"{self.changes} change(s) seen by {what}; the shortest-lived version lasted "
                f"{self.shortest_version_s:.0f} s"
            )
        else:
            seen = f"no change seen by {what} over {self.observed_s:.0f} s of observation"
        return seen


def _version(entry: AccessLogEntry, basis: Basis) -> str | None:
    headers = entry.headers
    if basis == "etag":
        return headers.etag if headers is not None else None
    if basis == "last_modified":
        return headers.last_modified if headers is not None else None
    return None if entry.bytes_sent is None else str(entry.bytes_sent)


def _basis(ok: list[AccessLogEntry]) -> Basis:
    if ok and all(e.headers is not None and e.headers.etag for e in ok):
        return "etag"
    if ok and all(e.headers is not None and e.headers.last_modified for e in ok):
        return "last_modified"
    if ok and all(e.bytes_sent is not None for e in ok):
        return "body_size"
    return "none"


def advise_ttl(entries: tuple[AccessLogEntry, ...]) -> TtlAdvice:
    """The TTL the observed change rate supports for the endpoint's 200 GET responses."""
    ok = [e for e in entries if e.status == 200 and e.method.upper() == "GET" and e.timestamp is not None]
    basis = _basis(ok)
    per_url: dict[str, list[tuple[float, str | None]]] = defaultdict(list)
    for entry in ok:
        per_url[entry.path].append((entry.timestamp or 0.0, _version(entry, basis)))
    changes, observed, lifetimes = 0, 0.0, []
    for seen in per_url.values():
        seen.sort(key=lambda pair: pair[0])
        observed = max(observed, seen[-1][0] - seen[0][0])
        since = seen[0][0]
        for (_, before), (at, after) in itertools.pairwise(seen):
            if basis != "none" and after != before:
                changes += 1
                lifetimes.append(at - since)
                since = at
    shortest = min(lifetimes) if lifetimes else None
    span = shortest if shortest is not None else observed
    ttl = int(max(MIN_ADVISED_TTL_S, min(MAX_ADVISED_TTL_S, span)))
    return TtlAdvice(ttl, basis, changes, round(observed, 3), shortest)


def chosen_ttl(advice: TtlAdvice, origin_ttl_s: float | None) -> int:
    """The origin's own TTL (its owner's word) unless the observed changes contradict it (a version
    lived shorter than it); else the observed advice."""
    shortest = advice.shortest_version_s
    trusted = origin_ttl_s is not None and origin_ttl_s >= MIN_ADVISED_TTL_S
    if trusted and origin_ttl_s is not None and (shortest is None or shortest >= origin_ttl_s):
        return int(min(MAX_ADVISED_TTL_S, origin_ttl_s))
    return advice.ttl_s
