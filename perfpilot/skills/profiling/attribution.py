"""Attribute request time to layers (database, external calls, application, edge) from traces or metrics.

In traces, the database's time is its calls' wall time plus the gaps inside runs of one repeated
statement (round_trips.py): round trips an access pattern makes are database-layer time. External time is
the calls to other services plus the peer still answering after a call's span closed; the time between
consecutive external calls that no span covers is kept apart as unattributed (call_gaps.py: it is the
client issuing the calls, untraced code, or scheduling waits, and the trace cannot say which), so it is
neither called application time nor put in any layer's share. Application time is the rest of the
request: the service's own spans and the SERVER span's time outside its calls, before, after and
around them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.evidence.models import Trace
from perfpilot.skills.dependency_analysis.call_gaps import gap_times
from perfpilot.skills.dependency_analysis.calls import is_database, is_external, peer_label, union_ns
from perfpilot.skills.profiling.round_trips import round_trip_gaps_ns


@dataclass
class LayerTimes:
    """Seconds of request time per layer, overall and per endpoint, and where they came from."""

    database: float = 0.0
    external: float = 0.0
    application: float = 0.0
    between_calls: float = 0.0  # between consecutive external calls, covered by no span: unattributed
    edge: float = 0.0  # at a reverse proxy: upstream connect and the proxy's own time (upstream_split.py)
    method: str = ""
    per_endpoint: dict[str, dict[str, float]] = field(default_factory=dict)
    # per endpoint: seconds in calls to each peer (summed over call spans, so overlapping calls add up)
    peers: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def total(self) -> float:
        return self.database + self.external + self.application + self.between_calls + self.edge

    def shares(self) -> dict[str, float]:
        """Each layer's share of request time; the time between calls no span attributes is in no layer,
        so the shares then add up to less than 1."""
        total = self.total
        if total <= 0:
            return {}
        shares = {"database": self.database / total, "application": self.application / total}
        if self.external > 0:  # only where calls to other services were seen
            shares["external"] = self.external / total
        if self.edge > 0:  # only where a proxy's log split its time
            shares["edge"] = self.edge / total
        return shares


def endpoint_of(trace: Trace) -> str:
    root = trace.root
    route = root.attributes.get("http.route")
    method = root.attributes.get("http.request.method") or root.attributes.get("http.method")
    if route:
        return f"{method} {route}" if method else str(route)
    return root.name


def from_traces(traces: list[Trace]) -> LayerTimes | None:
    if not traces:
        return None
    times = LayerTimes(method="traces")
    per: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    peers: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for trace in traces:
        root = trace.root
        total = (root.end_ns - root.start_ns) / 1e9
        called = union_ns([s for s in trace.spans if is_database(s)])
        db = min(total, (called + round_trip_gaps_ns(trace.spans)) / 1e9)
        calls = [s for s in trace.spans if is_external(s)]
        between = gap_times(calls, trace)
        ext = min((union_ns(calls) + between.answering_ns) / 1e9, max(0.0, total - db))
        idle = min(between.unattributed_ns / 1e9, max(0.0, total - db - ext))
        app = max(0.0, total - db - ext - idle)
        times.database += db
        times.external += ext
        times.between_calls += idle
        times.application += app
        endpoint = endpoint_of(trace)
        ep = per[endpoint]
        ep["database"] += db
        ep["application"] += app
        ep["external"] += ext
        ep["between_calls"] += idle
        ep["requests"] += 1
        for call in calls:
            peers[endpoint][peer_label(call)] += call.duration_ms / 1000
    times.per_endpoint = {k: dict(v) for k, v in per.items()}
    times.peers = {k: dict(v) for k, v in peers.items()}
    return times if times.total > 0 else None


def _metric_sum(evidence: EvidenceBundle, name: str) -> float:
    return sum(s.value for s in evidence.metrics if s.name == name)


def from_metrics(evidence: EvidenceBundle) -> LayerTimes | None:
    http = _metric_sum(evidence, "http_request_duration_seconds_sum")
    db = _metric_sum(evidence, "db_query_duration_seconds_sum")
    if http <= 0 or db <= 0:
        return None
    db = min(db, http)
    return LayerTimes(database=db, application=http - db, method="metrics: db_query vs http_request sums")


def from_workload(evidence: EvidenceBundle) -> LayerTimes | None:
    db = sum(d.total_time_s for d in evidence.workloads)
    request_time = sum(e.duration_ms for e in evidence.access_logs if e.duration_ms is not None) / 1000
    if db <= 0 or request_time <= 0:
        return None
    db = min(db, request_time)
    return LayerTimes(database=db, application=request_time - db, method="query log vs access log durations")


def attribute(evidence: EvidenceBundle) -> LayerTimes | None:
    """The most direct attribution the evidence allows: traces, then metric sums, then log durations."""
    return from_traces(evidence.traces) or from_metrics(evidence) or from_workload(evidence)
