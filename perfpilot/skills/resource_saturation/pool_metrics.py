"""Connection-pool statistics from the metric families pool libraries export, one PoolStats per pool.

Each family names the pool's maximum size, connections in use, requests pending, connection requests,
requests that had to queue, total wait and timeouts (those it has). Counters are read as the evidence
holds them: the increase over the scrape window when scraped twice or more, else the total since the
process started (then only ratios, such as wait per request, are meaningful). Gauges are the highest
value the scrapes saw (none from a single scrape: it says nothing of the busy period). A pool is one
label set of the family's max-size metric (job, instance, pool name).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.evidence.models import MetricSample, MetricSeries

STATE_LABELS = ("state", "db_client_connection_state")
IGNORED_LABELS = frozenset({*STATE_LABELS, "le", "quantile"})


@dataclass(frozen=True)
class PoolFamily:
    """Where one exporter puts each pool figure (None: it does not export it)."""

    exporter: str
    max_size: str
    in_use: str | None = None
    in_use_state: str | None = None
    open: str | None = None
    idle: str | None = None
    pending: str | None = None
    requests: str | None = None
    queued: str | None = None
    wait: str | None = None
    wait_unit_s: float = 1.0
    timeouts: str | None = None


FAMILIES = (
    PoolFamily(  # psycopg_pool get_stats() (and pool exporters of the same shape)
        exporter="db_pool",
        max_size="db_pool_max_size",
        open="db_pool_connections",
        idle="db_pool_available",
        pending="db_pool_requests_waiting",
        requests="db_pool_requests_total",
        queued="db_pool_requests_queued_total",
        wait="db_pool_requests_wait_seconds_total",
        timeouts="db_pool_requests_timeouts_total",
    ),
    PoolFamily(  # HikariCP through Micrometer
        exporter="hikaricp",
        max_size="hikaricp_connections_max",
        in_use="hikaricp_connections_active",
        pending="hikaricp_connections_pending",
        requests="hikaricp_connections_acquire_seconds_count",
        wait="hikaricp_connections_acquire_seconds_sum",
        timeouts="hikaricp_connections_timeout_total",
    ),
    PoolFamily(  # OpenTelemetry database client metrics (semantic conventions 1.26 and later)
        exporter="opentelemetry",
        max_size="db_client_connection_max",
        in_use="db_client_connection_count",
        in_use_state="used",
        pending="db_client_connection_pending_requests",
        requests="db_client_connection_wait_time_seconds_count",
        wait="db_client_connection_wait_time_seconds_sum",
        timeouts="db_client_connection_timeouts_total",
    ),
    PoolFamily(  # OpenTelemetry database client metrics before 1.26 (wait time in milliseconds)
        exporter="opentelemetry",
        max_size="db_client_connections_max",
        in_use="db_client_connections_usage",
        in_use_state="used",
        pending="db_client_connections_pending_requests",
        requests="db_client_connections_wait_time_milliseconds_count",
        wait="db_client_connections_wait_time_milliseconds_sum",
        wait_unit_s=0.001,
        timeouts="db_client_connections_timeouts_total",
    ),
)


@dataclass(frozen=True)
class PoolStats:
    """One pool's figures; None where its exporter does not give them."""

    exporter: str
    labels: dict[str, str]
    max_size: float
    in_use_max: float | None = None
    pending_max: float | None = None
    requests: float | None = None
    queued: float | None = None
    wait_s: float | None = None
    timeouts: float | None = None
    windowed: bool = False
    metrics: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        shown = ", ".join(f"{k}={v}" for k, v in sorted(self.labels.items()))
        return f"connection pool ({shown or self.exporter + ' metrics'})"

    @property
    def wait_s_per_request(self) -> float | None:
        if self.wait_s is None or not self.requests:
            return None
        return self.wait_s / self.requests

    @property
    def queued_share(self) -> float | None:
        if self.queued is None or not self.requests:
            return None
        return min(1.0, self.queued / self.requests)


def _key(labels: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, v) for k, v in labels.items() if k not in IGNORED_LABELS))


def _state(labels: dict[str, str]) -> str | None:
    return next((labels[k] for k in STATE_LABELS if k in labels), None)


class _Reader:
    """Samples and series of one evidence bundle, looked up by name and pool labels."""

    def __init__(self, evidence: EvidenceBundle) -> None:
        self.samples: list[MetricSample] = evidence.metrics
        self.series: list[MetricSeries] = evidence.series

    def counter(self, name: str | None, key: tuple[tuple[str, str], ...]) -> float | None:
        values = [s.value for s in self.samples if s.name == name and _key(s.labels) == key]
        return sum(values) if values else None

    def gauge_max(
        self, name: str | None, key: tuple[tuple[str, str], ...], state: str | None = None
    ) -> float | None:
        def wanted(labels: dict[str, str]) -> bool:
            return _key(labels) == key and (state is None or _state(labels) == state)

        points = [v for s in self.series if s.name == name and wanted(s.labels) for _, v in s.points]
        return max(points) if len(points) > 1 else None  # one scrape says nothing of the busy period

    def difference_max(
        self, whole: str | None, part: str | None, key: tuple[tuple[str, str], ...]
    ) -> float | None:
        """The most `whole - part` any one scrape shows (e.g. open connections minus idle ones)."""
        if whole is None or part is None:
            return None
        timed = {t: v for s in self.series if s.name == part and _key(s.labels) == key for t, v in s.points}
        pairs = [
            v - timed[t]
            for s in self.series
            if s.name == whole and _key(s.labels) == key
            for t, v in s.points
            if t in timed
        ]
        return max(pairs) if len(pairs) > 1 else None

    def windowed(self, name: str | None) -> bool:
        return any(s.name == name and len(s.points) > 1 for s in self.series)


def _in_use(reader: _Reader, family: PoolFamily, key: tuple[tuple[str, str], ...]) -> float | None:
    if family.in_use is not None:
        return reader.gauge_max(family.in_use, key, family.in_use_state)
    return reader.difference_max(family.open, family.idle, key)


def _stats(reader: _Reader, family: PoolFamily, sample: MetricSample) -> PoolStats:
    key = _key(sample.labels)
    wait = reader.counter(family.wait, key)
    names = [
        n
        for n in (family.max_size, family.in_use, family.pending, family.requests, family.queued, family.wait)
        if n is not None and any(s.name == n for s in reader.samples)
    ]
    return PoolStats(
        exporter=family.exporter,
        labels=dict(key),
        max_size=sample.value,
        in_use_max=_in_use(reader, family, key),
        pending_max=reader.gauge_max(family.pending, key),
        requests=reader.counter(family.requests, key),
        queued=reader.counter(family.queued, key),
        wait_s=None if wait is None else wait * family.wait_unit_s,
        timeouts=reader.counter(family.timeouts, key),
        windowed=reader.windowed(family.requests),
        metrics=names,
    )


def pool_stats(evidence: EvidenceBundle) -> list[PoolStats]:
    """Every pool whose maximum size the metrics give, with what else its exporter reports."""
    reader = _Reader(evidence)
    found: dict[tuple[str, tuple[tuple[str, str], ...]], PoolStats] = {}
    for family in FAMILIES:
        for sample in evidence.metrics:
            if sample.name == family.max_size and sample.value > 0:
                found.setdefault((family.max_size, _key(sample.labels)), _stats(reader, family, sample))
    return list(found.values())
