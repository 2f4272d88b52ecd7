"""Pydantic models of target.yaml; `perfpilot schema target` prints their JSON Schema."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path, PurePath
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ByteSize, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from perfpilot.inputs.limits import EvidenceKind
from perfpilot.target.action_ref import ACTION_REF, ACTION_USES


class Spec(BaseModel):
    """Base for spec models: unknown fields are errors, so a typo never passes silently."""

    model_config = ConfigDict(extra="forbid")


class EndpointSlo(Spec):
    """Objectives for one endpoint; any left out fall back to the overall ones."""

    p95_ms: float | None = Field(default=None, gt=0)
    p99_ms: float | None = Field(default=None, gt=0)
    error_rate: float | None = Field(default=None, ge=0, le=1)
    throughput_rps: float | None = Field(default=None, gt=0)


class Slos(EndpointSlo):
    """Service level objectives, overall and per endpoint (keyed by endpoint name)."""

    endpoints: dict[str, EndpointSlo] = Field(default_factory=dict)
    peak_rps: float | None = Field(
        default=None, gt=0, description="Peak load to plan capacity for; unset: 2x the measured average."
    )


class MetricsSource(Spec):
    """Metrics: a Prometheus text-exposition snapshot, a JSON or CSV time series, or a live /metrics URL."""

    path: Path | None = None
    url: str | None = None
    format: Literal["auto", "prometheus", "json", "csv"] = "auto"
    scraped_at: datetime | None = Field(
        default=None,
        description="When the file was scraped (ISO 8601, UTC when no zone is given, or unix seconds). "
        "Timestamps inside the file win. Files of one target scraped at different times form a window "
        "over which counters become rates.",
    )
    instance: str | None = Field(
        default=None, description="`instance` label for samples that have none (as a Prometheus scrape adds)."
    )
    job: str | None = Field(default=None, description="`job` label for samples that have none.")

    @field_validator("scraped_at")
    @classmethod
    def _utc_unless_zoned(cls, value: datetime | None) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value

    @model_validator(mode="after")
    def _one_of_path_or_url(self) -> MetricsSource:
        if (self.path is None) == (self.url is None):
            raise ValueError("give exactly one of 'path' or 'url'")
        return self


WorkloadFormat = Literal["auto", "pg_stat_statements", "postgres_log", "mysql_slow", "sql", "jsonl", "otlp"]


class WorkloadSource(Spec):
    """A query workload: a recorded file, or live pg_stat_statements from a DSN."""

    path: Path | None = None
    dsn: str | None = None
    format: WorkloadFormat = "auto"
    dialect: Literal["postgres", "mysql", "sqlite"] | None = None

    @model_validator(mode="after")
    def _one_of_path_or_dsn(self) -> WorkloadSource:
        if (self.path is None) == (self.dsn is None):
            raise ValueError("give exactly one of 'path' or 'dsn'")
        return self


class DatabaseSource(Spec):
    """The database: a live DSN (sqlite:///path or postgresql://...) or a schema DDL file."""

    dsn: str | None = None
    ddl: Path | None = None
    dialect: Literal["postgres", "mysql", "sqlite"] = "postgres"
    table_stats: Path | None = Field(
        default=None,
        description="pg_stat_user_tables as CSV (COPY (SELECT relname, n_live_tup, n_mod_since_analyze, "
        "last_analyze, last_autoanalyze ... FROM pg_stat_user_tables) TO STDOUT CSV HEADER): row counts and "
        "changes since the last ANALYZE for the DDL's tables.",
    )

    @model_validator(mode="after")
    def _dsn_or_ddl(self) -> DatabaseSource:
        if self.dsn is None and self.ddl is None:
            raise ValueError("give 'dsn' or 'ddl'")
        return self


class InfrastructureSource(Spec):
    """Infrastructure: an instance inventory with utilisation and prices, and Kubernetes manifests."""

    inventory: Path | None = None
    kubernetes: list[Path] = Field(default_factory=list)


class Endpoint(Spec):
    """One HTTP endpoint and its share of traffic."""

    name: str
    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"] = "GET"
    path: str = Field(description="Path, may hold k6-style ${...} placeholders filled from 'params'.")
    weight: float = Field(default=1, gt=0)
    params: dict[str, list[str]] = Field(default_factory=dict)
    body: str | None = None


class HttpSource(Spec):
    """The live HTTP service: base URL, weighted endpoints and the only hosts load may be sent to."""

    base_url: str
    endpoints: list[Endpoint] = Field(default_factory=list)
    allowed_hosts: list[str] = Field(
        default_factory=list, description="Hosts load tests may reach; the base URL's host is always allowed."
    )
    baseline_rps: float = Field(default=20, gt=0)

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an http(s) URL with a host")
        return value.rstrip("/")

    @field_validator("endpoints")
    @classmethod
    def _unique_names(cls, value: list[Endpoint]) -> list[Endpoint]:
        names = [e.name for e in value]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"endpoint names must be unique; repeated: {', '.join(repeated)}")
        return value

    def hosts(self) -> set[str]:
        host = urlsplit(self.base_url).hostname or ""
        return {host, *self.allowed_hosts}


class ServiceToggle(Spec):
    """A switch the service already has (a command-line flag or an environment variable) that fixes
    application code a profile may find hot; `--apply sandbox` may restart the service with it on."""

    name: str = Field(min_length=1, description="How the plan names it, e.g. 'cache-related'.")
    args: list[str] = Field(default_factory=list, description="Appended to service.command when on.")
    env: dict[str, str] = Field(default_factory=dict, description="Set in the service's environment when on.")
    addresses: list[str] = Field(
        min_length=1,
        description="Functions ('name') or source files ('pkg/mod.py', matched as a path suffix) it fixes.",
    )
    description: str = Field(min_length=1, description="One line: what turning it on changes.")

    @model_validator(mode="after")
    def _switches_something(self) -> ServiceToggle:
        if not self.args and not self.env:
            raise ValueError(f"toggle {self.name!r}: give args or env (what turns it on)")
        return self

    def addresses_frame(self, function: str, file: str) -> bool:
        """Whether this toggle fixes `function` defined in `file`."""
        file = file.replace("\\", "/")
        return any(a == function or file == a or file.endswith("/" + a.lstrip("/")) for a in self.addresses)


class ServiceSource(Spec):
    """How to start the service for live runs (used by the demo and by --apply sandbox)."""

    command: list[str] = Field(description="argv; {db} is replaced by the database path to serve.")
    workdir: Path | None = None
    ready_path: str = "/healthz"
    query_log: Path | None = Field(default=None, description="Where the service writes its SQL log.")
    toggles: list[ServiceToggle] = Field(
        default_factory=list, description="Switches the service has that fix code a profile may find hot."
    )
    memory_trace: Literal["tracemalloc"] | None = Field(
        default=None,
        description="Opt in: live runs start the service under tracemalloc (it slows allocation) and report "
        "its allocation sites and heap growth; needs a command '{python} -m module ...' or "
        "'{python} script.py ...'.",
    )

    @model_validator(mode="after")
    def _traceable_command(self) -> ServiceSource:
        rest = self.command[1:]
        python = (rest[:1] == ["-m"] and len(rest) > 1) or (bool(rest) and rest[0].endswith(".py"))
        if self.memory_trace is not None and not python:
            raise ValueError(
                "memory_trace needs a Python command: '{python} -m module ...' or '{python} script.py ...'"
            )
        return self

    @field_validator("toggles")
    @classmethod
    def _toggle_names_unique(cls, toggles: list[ServiceToggle]) -> list[ServiceToggle]:
        names = [t.name for t in toggles]
        if len(set(names)) != len(names):
            raise ValueError(f"toggle names must be unique: {names}")
        return toggles


LoadTestRole = Literal["baseline", "peak", "stress", "soak"]


class LoadTestSource(Spec):
    """One k6 run: its end-of-test summary, its role, and optionally its time-resolved output."""

    path: Path = Field(description="k6 end-of-test summary JSON (--summary-export or handleSummary).")
    role: LoadTestRole | None = Field(default=None, description="Unset: inferred from the run's shape.")
    timeseries: Path | None = Field(
        default=None, description="The same run's `k6 run --out json=` or `--out csv=` file (.gz allowed)."
    )
    processes: int | None = Field(
        default=None, ge=1, description="Server worker processes that served the run, for capacity planning."
    )
    served_by: str | None = Field(
        default=None, description="The infrastructure inventory entry (name) whose nodes served the run."
    )


class ProfileSource(Spec):
    """A recorded stack profile, optionally tied to the endpoint, process or node it was taken on."""

    path: Path
    format: Literal["auto", "collapsed", "pprof", "speedscope"] = Field(
        default="auto",
        description="collapsed: folded stacks (py-spy --format raw, stackcollapse-perf, async-profiler "
        "collapsed); pprof: profile.proto (gzip'd or not); speedscope: speedscope JSON. auto: sniffed.",
    )
    sample_type: str | None = Field(
        default=None, description="pprof: the sample type to read (default: cpu, else the profile's default)."
    )
    endpoint: str | None = Field(default=None, description="The endpoint (name) the profile was taken under.")
    process: str | None = Field(default=None, description="The process or service profiled.")
    node: str | None = Field(default=None, description="The inventory entry (name) it ran on.")


class EvidenceSources(Spec):
    """Every place evidence may come from. All are optional; at least one must be given."""

    metrics: list[MetricsSource] = Field(default_factory=list)
    workload: list[WorkloadSource] = Field(default_factory=list)
    database: DatabaseSource | None = None
    traces: list[Path] = Field(default_factory=list, description="OTLP JSON files.")
    load_tests: list[LoadTestSource] = Field(
        default_factory=list, description="k6 runs: a summary JSON path, or {path, role, timeseries, ...}."
    )
    containers: list[Path] = Field(default_factory=list, description="Dockerfile paths.")
    infrastructure: InfrastructureSource | None = None
    http: HttpSource | None = None
    access_logs: list[Path] = Field(default_factory=list)
    service: ServiceSource | None = None
    plans: list[Path] = Field(
        default_factory=list, description="PostgreSQL EXPLAIN output files (FORMAT JSON, or the text format)."
    )
    profiles: list[ProfileSource] = Field(
        default_factory=list,
        description="Stack profiles: a path, or {path, format, endpoint, process, node}.",
    )

    @field_validator("profiles", mode="before")
    @classmethod
    def _bare_profile_paths(cls, value: object) -> object:
        """A bare path is a profile with nothing else declared."""
        if not isinstance(value, list):
            return value
        return [{"path": item} if isinstance(item, str | PurePath) else item for item in value]

    @field_validator("load_tests", mode="before")
    @classmethod
    def _bare_paths(cls, value: object) -> object:
        """A bare path is the summary of a run with nothing else declared."""
        if not isinstance(value, list):
            return value
        return [{"path": item} if isinstance(item, str | PurePath) else item for item in value]


class InputLimitsSpec(Spec):
    """Caps on what perfpilot reads; they win over PERFPILOT_MAX_BYTES_<KIND> and the defaults."""

    max_bytes: dict[EvidenceKind, ByteSize] = Field(
        default_factory=dict,
        description="Largest file read per evidence kind, e.g. {metrics: 64MiB, workload: 2GiB}.",
    )


class CiSpec(Spec):
    """How the CI files perfpilot writes reach perfpilot itself."""

    action: str = Field(
        default=ACTION_REF,
        description="The perfpilot composite action the generated GitHub workflow `uses:`: OWNER/REPO@REF "
        "(its action.yml at the repository root; OWNER/REPO/PATH@REF below it) or ./PATH inside the "
        f"workflow's own repository. Default {ACTION_REF}, perfpilot's repository on GitHub; a fork, a "
        "mirror or a pinned release (a tag or commit) sets its own.",
    )

    @field_validator("action")
    @classmethod
    def _action_ref(cls, value: str) -> str:
        if not ACTION_USES.fullmatch(value):
            raise ValueError(
                f"{value!r} is not an action reference: write OWNER/REPO@REF, OWNER/REPO/PATH@REF or ./PATH"
            )
        return value


class Target(Spec):
    """A system for perfpilot to work on."""

    name: str = Field(min_length=1)
    architecture: str = Field(default="", description="The architecture in words.")
    slos: Slos = Field(default_factory=Slos)
    evidence: EvidenceSources
    limits: InputLimitsSpec = Field(default_factory=InputLimitsSpec)
    ci: CiSpec = Field(default_factory=CiSpec)
    _root: Path = PrivateAttr(default=Path("."))

    @property
    def root(self) -> Path:
        """The folder of the target file; relative evidence paths were resolved against it."""
        return self._root

    @model_validator(mode="after")
    def _some_evidence(self) -> Target:
        ev = self.evidence
        if not any(
            [
                ev.metrics,
                ev.workload,
                ev.database,
                ev.traces,
                ev.load_tests,
                ev.containers,
                ev.infrastructure,
                ev.http,
                ev.access_logs,
                ev.plans,
                ev.profiles,
            ]
        ):
            raise ValueError("evidence: name at least one source")
        return self
