"""Profiling-time monitoring: which metrics to scrape for this target, and a minimal Prometheus config."""

from __future__ import annotations

import re
from typing import Any, Literal
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field

from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.target.spec import Target

DEFAULT_BUCKETS_S = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_NOT_JOB = re.compile(r"[^A-Za-z0-9_-]+")


class MetricToScrape(BaseModel):
    """A metric worth collecting, who exposes it, and why the workflow needs it."""

    model_config = ConfigDict(extra="forbid")

    name: str
    type: Literal["histogram", "counter", "gauge"]
    labels: list[str] = Field(default_factory=list)
    exposed_by: str
    why: str
    present: bool = Field(default=False, description="Already in the target's metrics evidence.")


def latency_buckets(target: Target) -> list[float]:
    """Histogram buckets (s): the usual ladder plus every SLO latency, so p95 is exact at the target."""
    slo_ms = [target.slos.p95_ms, target.slos.p99_ms]
    slo_ms += [e.p95_ms for e in target.slos.endpoints.values()] + [
        e.p99_ms for e in target.slos.endpoints.values()
    ]
    return sorted({*DEFAULT_BUCKETS_S, *(round(ms / 1000, 6) for ms in slo_ms if ms)})


def recommended_metrics(bundle: EvidenceBundle) -> list[MetricToScrape]:
    """Metrics for the layers this target has: HTTP, process, database, containers, hosts."""
    ev = bundle.target.evidence
    wanted: list[MetricToScrape] = []
    if ev.http is not None or ev.service is not None or ev.access_logs:
        wanted += [
            MetricToScrape(
                name="http_request_duration_seconds",
                type="histogram",
                labels=["method", "route", "status"],
                exposed_by="the service (/metrics)",
                why="p95/p99 per route and the 5xx share (alerts and dashboard); buckets "
                f"{latency_buckets(bundle.target)}",
            ),
            MetricToScrape(
                name="process_cpu_seconds_total",
                type="counter",
                exposed_by="the service",
                why="CPU saturation of the application layer",
            ),
            MetricToScrape(
                name="process_resident_memory_bytes",
                type="gauge",
                exposed_by="the service",
                why="memory growth during soak tests",
            ),
        ]
    if ev.database is not None or ev.workload:
        wanted.append(
            MetricToScrape(
                name="db_query_duration_seconds",
                type="histogram",
                labels=["route"],
                exposed_by="the service (around each query)",
                why="share of request time spent in the database, per route",
            )
        )
        if ev.database is not None and ev.database.dialect == "postgres":
            wanted += [
                MetricToScrape(
                    name=name,
                    type="counter",
                    labels=["datname"],
                    exposed_by="postgres_exporter",
                    why="buffer cache hit ratio (blks_hit / (blks_hit + blks_read))",
                )
                for name in ("pg_stat_database_blks_hit", "pg_stat_database_blks_read")
            ]
    if ev.containers or (ev.infrastructure is not None and ev.infrastructure.kubernetes):
        wanted += [
            MetricToScrape(
                name="container_cpu_usage_seconds_total",
                type="counter",
                labels=["container", "pod"],
                exposed_by="cAdvisor (kubelet)",
                why="container CPU against requests and limits",
            ),
            MetricToScrape(
                name="container_cpu_cfs_throttled_periods_total",
                type="counter",
                labels=["container", "pod"],
                exposed_by="cAdvisor (kubelet)",
                why="CPU throttling from limits, a hidden latency source",
            ),
            MetricToScrape(
                name="container_memory_working_set_bytes",
                type="gauge",
                labels=["container", "pod"],
                exposed_by="cAdvisor (kubelet)",
                why="memory against limits (OOM risk)",
            ),
        ]
    if ev.infrastructure is not None and ev.infrastructure.inventory is not None:
        wanted += [
            MetricToScrape(
                name="node_cpu_seconds_total",
                type="counter",
                labels=["cpu", "mode"],
                exposed_by="node_exporter",
                why="host CPU utilisation for rightsizing",
            ),
            MetricToScrape(
                name="node_memory_MemAvailable_bytes",
                type="gauge",
                exposed_by="node_exporter",
                why="host memory headroom for rightsizing",
            ),
        ]
    seen = {s.name for s in bundle.metrics} | {s.name for s in bundle.series}
    return [
        m.model_copy(update={"present": any(n == m.name or n.startswith(m.name + "_") for n in seen)})
        for m in wanted
    ]


def scrape_urls(target: Target) -> list[str]:
    """Live /metrics URLs of the target, else the base URL's /metrics."""
    urls = [m.url for m in target.evidence.metrics if m.url]
    if not urls and target.evidence.http is not None:
        urls = [f"{target.evidence.http.base_url}/metrics"]
    return urls


def scrape_config(
    target: Target, *, rule_files: list[str] | None = None, interval_s: int = 15
) -> dict[str, Any]:
    """A minimal prometheus.yml: one job per (scheme, metrics path) over the target's metrics URLs."""
    jobs: dict[tuple[str, str], list[str]] = {}
    for url in scrape_urls(target):
        parts = urlsplit(url)
        host = parts.hostname or ""
        address = f"[{host}]" if ":" in host else host
        address += f":{parts.port}" if parts.port else ""  # never the user:password part
        jobs.setdefault((parts.scheme, parts.path or "/metrics"), []).append(address)
    job = _NOT_JOB.sub("_", target.name).strip("_") or "service"
    config: dict[str, Any] = {
        "global": {"scrape_interval": f"{interval_s}s", "evaluation_interval": f"{interval_s}s"},
        "scrape_configs": [
            {
                "job_name": job if i == 0 else f"{job}-{i + 1}",
                "scheme": scheme,
                "metrics_path": path,
                "static_configs": [{"targets": sorted(set(hosts)), "labels": {"service": target.name}}],
            }
            for i, ((scheme, path), hosts) in enumerate(sorted(jobs.items()))
        ],
    }
    if rule_files:
        config["rule_files"] = rule_files
    return config


def dump_scrape_config(config: dict[str, Any]) -> str:
    return "# Generated by perfpilot; check with `promtool check config`.\n" + yaml.safe_dump(
        config, sort_keys=False, width=1000
    )
