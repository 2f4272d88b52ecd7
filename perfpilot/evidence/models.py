"""Typed evidence records: what every loader produces and every skill reads."""

from __future__ import annotations

from typing import Any, Literal, NamedTuple, Protocol

from pydantic import BaseModel, ConfigDict, Field

from perfpilot.otlp_json import AttrValue as AttrValue  # re-exported: skills read span attributes as it
from perfpilot.otlp_json import SpanKind, StatusCode


class Record(BaseModel):
    """Base for evidence records."""

    model_config = ConfigDict(extra="forbid")


MetricKind = Literal["counter", "gauge", "histogram", "summary", "untyped"]


class MetricSample(Record):
    """One sample of a metric: from an exposition, or one series' value over the scrape window.

    In EvidenceBundle.metrics a cumulative sample (counter, histogram bucket/_sum/_count, summary
    _sum/_count) holds the increase over the scrape window when its series was scraped more than once,
    else the cumulative value since the process started; a gauge holds its latest value.
    """

    name: str
    labels: dict[str, str] = Field(default_factory=dict)
    value: float
    timestamp_ms: int | None = None
    kind: MetricKind = Field(default="untyped", description="The TYPE of the sample's metric family.")


class ExpositionSample(NamedTuple):
    """One sample as the exposition parser read it: a light record (~100 bytes), not a model, since an
    exposition at the size cap holds ~300,000 of them. prometheus_client validated the name, labels and
    value; the loader turns them into MetricSeries/MetricSample per series."""

    name: str
    labels: dict[str, str]
    value: float
    timestamp_ms: int | None
    kind: MetricKind


class SampleFields(Protocol):
    """What reading a sample needs: a MetricSample or an ExpositionSample."""

    @property
    def name(self) -> str: ...
    @property
    def labels(self) -> dict[str, str]: ...
    @property
    def value(self) -> float: ...
    @property
    def timestamp_ms(self) -> int | None: ...
    @property
    def kind(self) -> MetricKind: ...


class SeriesFields(Protocol):
    """What reading a series needs: a MetricSeries or the loader's lighter joined series."""

    @property
    def name(self) -> str: ...
    @property
    def labels(self) -> dict[str, str]: ...
    @property
    def points(self) -> list[tuple[float, float]]: ...
    @property
    def kind(self) -> MetricKind: ...
    @property
    def sources(self) -> list[str]: ...


class MetricSeries(Record):
    """A time series: (unix seconds, value) points, from a JSON or CSV file or joined scrapes."""

    name: str
    labels: dict[str, str] = Field(default_factory=dict)
    points: list[tuple[float, float]] = Field(default_factory=list)
    kind: MetricKind = "untyped"
    sources: list[str] = Field(default_factory=list, description="The files or URLs the points came from.")


class Span(Record):
    """One OTLP span, flattened (list and map attribute values as JSON text)."""

    trace_id: str
    span_id: str
    parent_span_id: str | None = None
    name: str
    service: str = Field(default="", description="The resource's service.name.")
    kind: SpanKind = "unspecified"
    start_ns: int
    end_ns: int
    attributes: dict[str, AttrValue] = Field(default_factory=dict)
    status: StatusCode = "unset"
    status_message: str = ""
    resource: dict[str, AttrValue] = Field(default_factory=dict, description="The resource's attributes.")

    @property
    def duration_ms(self) -> float:
        return (self.end_ns - self.start_ns) / 1e6

    @property
    def error(self) -> bool:
        """The span's status says it failed."""
        return self.status == "error"


class Trace(Record):
    """All spans of one trace, in start order."""

    trace_id: str
    spans: list[Span]
    source: str = ""

    @property
    def root(self) -> Span:
        ids = {s.span_id for s in self.spans}
        roots = [s for s in self.spans if s.parent_span_id is None or s.parent_span_id not in ids]
        return min(roots or self.spans, key=lambda s: s.start_ns)


class K6Metric(Record):
    """One metric of a k6 end-of-test summary; values keyed as k6 names them ('p(95)', 'avg', 'rate')."""

    name: str
    type: Literal["trend", "rate", "counter", "gauge"]
    tags: dict[str, str] = Field(default_factory=dict, description="From a tagged sub-metric name{k:v}.")
    values: dict[str, float] = Field(default_factory=dict)


class K6Threshold(Record):
    """A threshold of the k6 script and whether the run kept it."""

    metric: str = Field(description="The metric key as k6 writes it, sub-metric tags included.")
    expression: str = Field(description="As written in the script, e.g. 'p(95)<200'.")
    ok: bool


class LoadWindow(Record):
    """Load and latency in one time window of a k6 run, from its time-resolved output."""

    start_s: float = Field(description="Seconds since the run's first data point.")
    duration_s: float
    vus: float | None = Field(default=None, description="Most VUs active in the window (k6 'vus' gauge).")
    requests: int = 0
    rps: float = Field(default=0.0, description="Requests completed per second (failed ones included).")
    p95_ms: float | None = None
    error_rate: float | None = None


class K6Timeline(Record):
    """A k6 run's time-resolved output, bucketed into windows of equal length."""

    source: str
    window_s: float
    windows: list[LoadWindow] = Field(default_factory=list)


class K6Summary(Record):
    """A k6 end-of-test summary (the JSON that --summary-export or handleSummary writes)."""

    source: str
    metrics: list[K6Metric] = Field(default_factory=list)
    duration_s: float | None = None
    thresholds: list[K6Threshold] = Field(default_factory=list)
    role: Literal["baseline", "peak", "stress", "soak"] | None = Field(
        default=None, description="As declared in the target; None when it must be inferred."
    )
    stage_targets: list[float] = Field(
        default_factory=list, description="Stage targets when the file carries its options (stages)."
    )
    timeline: K6Timeline | None = None
    processes: int | None = Field(default=None, description="Server worker processes, as declared.")
    served_by: str | None = Field(default=None, description="Inventory entry that served it, as declared.")

    def metric(self, metric_name: str, /, **tags: str) -> K6Metric | None:
        return next((m for m in self.metrics if m.name == metric_name and m.tags == tags), None)


class HttpCacheHeaders(Record):
    """The caching facts of one logged request and its response, as far as the log carries them.

    Header values that are secrets (Set-Cookie, Authorization, Cookie) are kept as presence only."""

    cache_control: str | None = Field(default=None, description="Response Cache-Control.")
    expires: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    vary: str | None = None
    set_cookie: bool | None = Field(default=None, description="The response set a cookie.")
    authorization: bool | None = Field(default=None, description="The request carried Authorization.")
    cookie: bool | None = Field(default=None, description="The request carried a Cookie.")


class AccessLogEntry(Record):
    """One request from an access log (combined format, optionally with request time)."""

    timestamp: float | None = None
    method: str
    path: str
    status: int
    duration_ms: float | None = None
    bytes_sent: int | None = None
    line: int
    headers: HttpCacheHeaders | None = Field(
        default=None, description="Caching headers when the log carries them; None when it does not."
    )
    cache_status: str | None = Field(
        default=None,
        description="A cache in front of the origin: nginx $upstream_cache_status (HIT, MISS, STALE...).",
    )
    upstream_connect_ms: float | None = Field(
        default=None, description="nginx $upstream_connect_time (summed over the servers tried), ms."
    )
    upstream_header_ms: float | None = Field(default=None, description="nginx $upstream_header_time, ms.")
    upstream_response_ms: float | None = Field(default=None, description="nginx $upstream_response_time, ms.")


class Instance(Record):
    """A compute instance (or group of identical ones) from the infrastructure inventory."""

    name: str
    role: str = ""
    instance_type: str
    count: int = Field(default=1, ge=1)
    vcpu: float = Field(gt=0)
    memory_gib: float = Field(gt=0)
    hourly_usd: float = Field(ge=0)
    cpu_util_avg: float | None = Field(default=None, ge=0, le=1)
    cpu_util_p95: float | None = Field(default=None, ge=0, le=1)
    mem_util_avg: float | None = Field(default=None, ge=0, le=1)
    mem_util_p95: float | None = Field(default=None, ge=0, le=1)
    cpu_util_max: float | None = Field(default=None, ge=0, le=1, description="Measured peak (max) CPU.")
    mem_util_max: float | None = Field(default=None, ge=0, le=1, description="Measured peak (max) memory.")
    pricing: Literal["on_demand", "reserved", "spot"] = "on_demand"
    region: str = Field(default="", description="Cloud region (us-east-1, eu-west-1, us-central1...).")


class K8sContainer(Record):
    """A container of a Kubernetes workload, with its requests and limits in cores and MiB."""

    name: str
    image: str
    cpu_request: float | None = None
    cpu_limit: float | None = None
    memory_request_mib: float | None = None
    memory_limit_mib: float | None = None


class K8sWorkload(Record):
    """A Deployment, StatefulSet or DaemonSet (HPA settings when a HorizontalPodAutoscaler names it)."""

    kind: str
    name: str
    namespace: str = "default"
    replicas: int = 1
    containers: list[K8sContainer] = Field(default_factory=list)
    hpa_min: int | None = None
    hpa_max: int | None = None
    source: str = ""
    line: int | None = None


class DockerInstruction(Record):
    """One Dockerfile instruction; continuation lines joined; line is where it starts."""

    line: int
    instruction: str
    arguments: str
    stage: int = 0


class Dockerfile(Record):
    """A parsed Dockerfile."""

    source: str
    instructions: list[DockerInstruction] = Field(default_factory=list)


class ExplainPlan(Record):
    """One PostgreSQL EXPLAIN output: the plan tree in EXPLAIN (FORMAT JSON)'s keys ("Node Type",
    "Relation Name", "Total Cost", "Plan Rows", "Actual Rows", "Plans"...), read from JSON or text."""

    source: str
    line: int | None = None
    format: Literal["json", "text"]
    statement: str | None = Field(default=None, description="The explained statement, when the file has it.")
    analyzed: bool = Field(description="EXPLAIN ANALYZE: the plan carries actual rows and times.")
    plan: dict[str, Any]
    settings: dict[str, Any] | None = Field(
        default=None, description="EXPLAIN (SETTINGS)'s changed planner settings, when the file has them."
    )
