"""The shop's metrics: request and query latency histograms, request counts, process CPU and memory."""

from __future__ import annotations

import os
from collections.abc import Iterator

from shop.exposition import Counter, Histogram, number

HTTP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
DB_BUCKETS = (0.0005, 0.001, 0.0025, *HTTP_BUCKETS)


def _process_lines() -> Iterator[str]:
    """CPU seconds and resident memory of this process, read from /proc/self (Linux)."""
    try:
        with open("/proc/self/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        with open("/proc/self/statm", encoding="ascii") as statm:
            resident_pages = int(statm.read().split()[1])
    except OSError:
        return
    ticks = os.sysconf("SC_CLK_TCK")
    cpu_s = (int(fields[11]) + int(fields[12])) / ticks  # utime + stime, fields 14 and 15 of stat
    yield "# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds."
    yield "# TYPE process_cpu_seconds_total counter"
    yield f"process_cpu_seconds_total {number(cpu_s)}"
    yield "# HELP process_resident_memory_bytes Resident memory size in bytes."
    yield "# TYPE process_resident_memory_bytes gauge"
    yield f"process_resident_memory_bytes {resident_pages * os.sysconf('SC_PAGE_SIZE')}"


class Metrics:
    """Every metric the shop exposes at /metrics."""

    def __init__(self) -> None:
        labels = ("method", "route", "status")
        self.request_duration = Histogram(
            "http_request_duration_seconds", "HTTP request latency in seconds.", labels, HTTP_BUCKETS
        )
        self.requests = Counter("http_requests_total", "HTTP requests served.", labels)
        self.query_duration = Histogram(
            "db_query_duration_seconds", "SQL statement latency in seconds.", ("route",), DB_BUCKETS
        )

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        labels = (method, route, str(status))
        self.request_duration.observe(labels, seconds)
        self.requests.inc(labels)

    def observe_query(self, route: str, seconds: float) -> None:
        self.query_duration.observe((route,), seconds)

    def render(self) -> str:
        lines = [
            *self.request_duration.render(), *self.requests.render(), *self.query_duration.render(),
            *_process_lines(),
        ]
        return "\n".join(lines) + "\n"
