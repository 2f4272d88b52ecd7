"""Requests a scrape target served over its window, from its own request counter (rate and count).

The counter is the first family found in REQUEST_COUNTERS, summed over its label sets (routes, statuses,
methods) so one request counts once; histogram `_count` series count requests as well. The increase is
reset-aware (evidence.counters.increase) and needs two timed scrapes or more.
"""

from __future__ import annotations

from dataclasses import dataclass

from perfpilot.evidence.counters import increase
from perfpilot.evidence.models import MetricSeries

REQUEST_COUNTERS = (
    "http_requests_total",
    "http_server_requests_total",
    "http_request_duration_seconds_count",
    "http_server_request_duration_seconds_count",
    "http_server_requests_seconds_count",
    "http_server_duration_milliseconds_count",
    "http_server_duration_count",
)


@dataclass(frozen=True)
class ServedRequests:
    """How many requests a target served between two scrapes, and from which counter."""

    counter: str
    requests: float
    seconds: float

    @property
    def rps(self) -> float | None:
        return self.requests / self.seconds if self.seconds > 0 else None


def _same_target(series: MetricSeries, job: str, instance: str) -> bool:
    return series.labels.get("job", "") == job and series.labels.get("instance", "") == instance


def served_requests(series: list[MetricSeries], job: str, instance: str) -> ServedRequests | None:
    """The target's served requests over its window; None without a request counter scraped twice."""
    for name in REQUEST_COUNTERS:
        members = [s for s in series if s.name == name and _same_target(s, job, instance)]
        grown = [g for s in members if (g := increase(s.points)) is not None]
        if grown:
            return ServedRequests(
                counter=name,
                requests=sum(g.value for g in grown),
                seconds=max(g.seconds for g in grown),
            )
    return None
