"""Per-endpoint database and application seconds, from traces or from per-route metric sums."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.skills.profiling.attribution import from_traces

HTTP_SUM = "http_request_duration_seconds_sum"
DB_SUM = "db_query_duration_seconds_sum"


@dataclass(frozen=True)
class EndpointLayers:
    """Seconds one endpoint spent in the database and elsewhere (application, external calls)."""

    database_s: float
    application_s: float
    requests: float = 0.0
    """Requests those seconds came from (traces: one per trace; 0 when unknown)."""
    external_s: float = 0.0
    """The part of application_s spent waiting on other services (traces only): no change to this
    service's CPU shortens it."""

    @property
    def total_s(self) -> float:
        return self.database_s + self.application_s

    @property
    def mean_request_ms(self) -> float:
        return self.total_s * 1000 / self.requests if self.requests > 0 else 0.0

    @property
    def database_share(self) -> float:
        return self.database_s / self.total_s if self.total_s > 0 else 0.0

    @property
    def external_share(self) -> float:
        return self.external_s / self.total_s if self.total_s > 0 else 0.0


@dataclass(frozen=True)
class LayerSplit:
    """Per-endpoint layer seconds and the evidence they came from ('traces', 'metrics' or '')."""

    endpoints: dict[str, EndpointLayers]
    method: str

    @property
    def database_s(self) -> float:
        return sum(e.database_s for e in self.endpoints.values())


def _route(labels: dict[str, str]) -> str | None:
    return labels.get("route") or labels.get("handler") or labels.get("path")


def from_route_metrics(evidence: EvidenceBundle) -> dict[str, EndpointLayers]:
    """Per 'METHOD route': its request seconds, split by the route's database share (db sum / http sum
    over all methods of the route; a route's database time carries no method label)."""
    http: dict[str, float] = defaultdict(float)
    route_http: dict[str, float] = defaultdict(float)
    route_db: dict[str, float] = defaultdict(float)
    for sample in evidence.metrics:
        route = _route(sample.labels)
        if route is None:
            continue
        if sample.name == HTTP_SUM:
            method = sample.labels.get("method")
            http[f"{method} {route}" if method else route] += sample.value
            route_http[route] += sample.value
        elif sample.name == DB_SUM:
            route_db[route] += sample.value
    if not route_db:
        return {}
    split = {}
    for name, seconds in sorted(http.items()):
        route = name.split(" ", 1)[-1]
        share = min(1.0, route_db.get(route, 0.0) / route_http[route]) if route_http[route] > 0 else 0.0
        split[name] = EndpointLayers(database_s=seconds * share, application_s=seconds * (1 - share))
    return split


def endpoint_layers(evidence: EvidenceBundle) -> LayerSplit:
    """Traces first (spans measure each layer per request), then per-route metric sums, else nothing."""
    traced = from_traces(evidence.traces)
    if traced is not None and traced.per_endpoint:
        return LayerSplit(
            endpoints={
                name: EndpointLayers(
                    database_s=v.get("database", 0.0),
                    # time waiting on other services and the unattributed time between those calls
                    # are not database time: they stay with the rest
                    application_s=v.get("application", 0.0)
                    + v.get("external", 0.0)
                    + v.get("between_calls", 0.0),
                    requests=v.get("requests", 0.0),
                    external_s=v.get("external", 0.0),
                )
                for name, v in sorted(traced.per_endpoint.items())
            },
            method="traces",
        )
    metered = from_route_metrics(evidence)
    if metered:
        return LayerSplit(endpoints=metered, method="metrics")
    return LayerSplit(endpoints={}, method="")
