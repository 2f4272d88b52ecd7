"""Typed figures measured over a scrape window: the window itself, node usage and process usage."""

from __future__ import annotations

from urllib.parse import urlsplit

from pydantic import Field

from perfpilot.evidence.models import Record

SINGLE_SCRAPE_NOTE = (
    "one scrape: counters are cumulative since each process started, so they give ratios "
    "(error share, mean = sum / count) but no rate"
)


def instance_host(instance: str) -> str:
    """The host of an `instance` label such as `10.0.0.5:9100` (the label itself when it has no port)."""
    if not instance:
        return ""
    try:
        return urlsplit(f"//{instance}").hostname or instance
    except ValueError:
        return instance


class ScrapeWindow(Record):
    """The time one scrape target's metrics cover: its job/instance, how many scrapes, from when to when."""

    job: str = ""
    instance: str = ""
    sources: list[str] = Field(default_factory=list)
    scrapes: int = Field(ge=1, description="Most points any one series of this target has.")
    start_s: float | None = Field(
        default=None, description="Unix seconds; None when no scrape time is known."
    )
    end_s: float | None = None
    rates: bool = Field(description="Whether counters were differenced over a window (two scrapes or more).")
    note: str = ""

    @property
    def window_s(self) -> float:
        return (self.end_s - self.start_s) if self.start_s is not None and self.end_s is not None else 0.0


class DiskBusy(Record):
    """Share of the window a block device was busy (rate of node_disk_io_time_seconds_total)."""

    device: str
    busy: float = Field(ge=0, le=1)


class FilesystemFree(Record):
    """Free share of a filesystem at the last scrape (node_filesystem_avail_bytes / size_bytes)."""

    mountpoint: str
    device: str = ""
    free: float = Field(ge=0, le=1)
    size_bytes: float


class NodeUsage(Record):
    """One node's usage from node_exporter metrics; rates only when it was scraped twice or more."""

    node: str = Field(description="node_uname_info's nodename, else the instance label's host.")
    job: str = ""
    instance: str = ""
    window_s: float = 0.0
    scrapes: int = 1
    cpus: int | None = None
    cpu_utilisation: float | None = Field(
        default=None, ge=0, le=1, description="1 - idle CPU seconds per second / cpus, over the window."
    )
    cpu_modes: dict[str, float] = Field(
        default_factory=dict, description="Share of CPU time per mode (user, system, iowait, steal...)."
    )
    memory_used: float | None = Field(
        default=None, ge=0, le=1, description="1 - MemAvailable / MemTotal at the last scrape."
    )
    memory_used_max: float | None = Field(default=None, ge=0, le=1, description="Highest over the window.")
    load_per_cpu: dict[str, float] = Field(default_factory=dict, description="node_load1/5/15 / cpus.")
    disks: list[DiskBusy] = Field(default_factory=list)
    filesystems: list[FilesystemFree] = Field(default_factory=list)
    note: str = ""

    @property
    def names(self) -> set[str]:
        """What an inventory may call this node: its nodename or the host of its instance label."""
        return {n for n in (self.node, instance_host(self.instance)) if n}


class ProcessUsage(Record):
    """One process's CPU and resident memory from prometheus_client's process_* metrics."""

    job: str = ""
    instance: str = ""
    window_s: float = 0.0
    scrapes: int = 1
    cpu_cores: float | None = Field(default=None, description="Rate of process_cpu_seconds_total.")
    rss_bytes: float | None = Field(default=None, description="process_resident_memory_bytes, last scrape.")
    rss_min_bytes: float | None = None
    rss_max_bytes: float | None = None
    rss_growth_bytes_per_min: float | None = Field(
        default=None, description="Least-squares slope of RSS over time (three scrapes or more)."
    )
    rss_fit_r2: float | None = Field(
        default=None, description="How well a straight line fits the RSS points."
    )
    note: str = ""
