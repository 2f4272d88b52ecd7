"""Pool size from Little's law and Erlang's C formula, bounded by the database's max_connections.

Hold time H (how long a request keeps a connection): when the pool is saturated (most connection
requests queued or most request time spent waiting, connections in use at the maximum, or requests
pending), every connection was busy the whole time, so Little's law on the
pool (busy connections = arrival rate x hold time) gives H = max_size / connection requests served per
second. Otherwise H is the traced time from a request's first database call to its last client call
(an upper bound: the connection may be returned earlier), and without traces it is unknown.
The offered load in connections is a = planned request rate x connections per request x H; the size
is the smallest c > a whose probability of waiting, Erlang C(c, a) of an M/M/c queue, is at most
MAX_WAIT_PROBABILITY. The bound: max_connections (postgres_exporter pg_settings_max_connections or
mysqld_exporter mysql_global_variables_max_connections) less RESERVED_CONNECTIONS.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.evidence.models import Trace
from perfpilot.skills.dependency_analysis.calls import is_database
from perfpilot.skills.resource_saturation.peak import PlannedLoad
from perfpilot.skills.validation.queueing import erlang_c

MAX_WAIT_PROBABILITY = 0.05
SATURATED_QUEUED_SHARE = 0.5
RESERVED_CONNECTIONS = 3
MAX_CONNECTIONS_METRICS = ("pg_settings_max_connections", "mysql_global_variables_max_connections")


@dataclass(frozen=True)
class HoldTime:
    seconds: float
    basis: str


@dataclass(frozen=True)
class PoolSize:
    """The sized pool and its arithmetic."""

    size: int
    offered_connections: float
    wait_probability: float
    max_connections: float | None
    capped: bool
    arithmetic: str


def traced_hold(traces: list[Trace]) -> HoldTime | None:
    """Mean time from each request's first database call to the end of its last client call."""
    windows = []
    for trace in traces:
        clients = [s for s in trace.spans if s.kind == "client"]
        database = [s for s in clients if is_database(s)]
        if database:
            start = min(s.start_ns for s in database)
            windows.append((max(s.end_ns for s in clients) - start) / 1e9)
    if not windows:
        return None
    return HoldTime(
        sum(windows) / len(windows),
        f"traced: mean time from the first database call to the last client call ({len(windows)} traces)",
    )


def saturated_hold(max_size: float, connection_rps: float) -> HoldTime:
    return HoldTime(
        max_size / connection_rps,
        f"Little's law on the saturated pool: {max_size:g} connections / {connection_rps:.2f} "
        "connection requests served per second",
    )


def traced_database_s(traces: list[Trace]) -> float | None:
    """Mean time per traced request spent in database calls."""
    per_request = [
        sum(s.duration_ms for s in spans) / 1000
        for t in traces
        if (spans := [s for s in t.spans if s.kind == "client" and is_database(s)])
    ]
    return sum(per_request) / len(per_request) if per_request else None


def max_connections(evidence: EvidenceBundle) -> float | None:
    values = [m.value for m in evidence.metrics if m.name in MAX_CONNECTIONS_METRICS and m.value > 0]
    return min(values) if values else None


def smallest_pool(offered: float) -> tuple[int, float]:
    """(c, C(c, a)): the smallest c > a with C(c, a) <= MAX_WAIT_PROBABILITY."""
    c = max(1, math.floor(offered) + 1)
    while (waiting := erlang_c(c, offered)) > MAX_WAIT_PROBABILITY:
        c += 1
    return c, waiting


def size_pool(
    hold: HoldTime, load: PlannedLoad, per_request: float, limit: float | None, processes: int = 1
) -> PoolSize:
    """The pool size for the planned load, capped at the database's connections per process."""
    offered = load.rps * per_request * hold.seconds
    size, waiting = smallest_pool(offered)
    bound = (limit - RESERVED_CONNECTIONS) / processes if limit is not None else None
    capped = bound is not None and size > bound
    if capped and bound is not None:
        size = max(1, math.floor(bound))
    arithmetic = (
        f"offered connections a = {load.rps:.1f} req/s ({load.basis}) x {per_request:.2f} connection "
        f"request(s) per request x hold {hold.seconds * 1000:.1f} ms ({hold.basis}) = {offered:.2f}; "
        f"smallest pool with Erlang C(c, a) <= {MAX_WAIT_PROBABILITY:.0%}: c = {size}"
        + (f" (P(wait) {waiting:.1%})" if not capped else "")
    )
    if limit is not None:
        arithmetic += f"; database max_connections {limit:g} - {RESERVED_CONNECTIONS} reserved"
        arithmetic += f" over {processes} process(es)" + (f": capped at {size}" if capped else "")
    return PoolSize(size, offered, waiting, limit, capped, arithmetic)
