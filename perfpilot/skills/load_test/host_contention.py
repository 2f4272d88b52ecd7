"""How much a load test's service waited for a CPU: the kernel's per-thread run-queue wait and the host's
CPU pressure, read around one run.

Linux only, and only what the kernel exposes: /proc/PID/task/*/schedstat gives each thread's time on a
CPU and time runnable but waiting for one (ns; threads that exited during the run are not counted, so
the figures are lower bounds); /proc/pressure/cpu (PSI) gives the time some runnable task waited for a
CPU, host-wide (`some total=`, microseconds). A service that waited for a CPU at least as long as it ran
was slowed by the host it ran on, not only by its own work. Elsewhere every reading is None.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

PROC = Path("/proc")
_PSI_SOME = re.compile(r"^some\b.*\btotal=(\d+)", re.MULTILINE)


@dataclass(frozen=True)
class CpuSnapshot:
    """Cumulative counters at one instant (None where the kernel did not give them)."""

    at_s: float
    service_run_ns: int | None
    service_wait_ns: int | None
    pressure_us: int | None


class RunContention(BaseModel):
    """One load-test run's CPU contention: the service's run-queue wait against its CPU time."""

    model_config = ConfigDict(extra="forbid")

    run: str
    wall_s: float
    requests: int | None = None
    service_cpu_s: float | None = Field(default=None, description="Time the service's threads ran on a CPU.")
    service_wait_s: float | None = Field(default=None, description="Time they were runnable, waiting.")
    cpu_pressure_share: float | None = Field(
        default=None, description="Share of the run in which some task on the host waited for a CPU (PSI)."
    )

    @property
    def contended(self) -> bool:
        """The service waited for a CPU at least as long as it ran on one."""
        return (
            self.service_cpu_s is not None
            and self.service_wait_s is not None
            and self.service_wait_s > 0
            and self.service_wait_s >= self.service_cpu_s
        )

    def per_request_ms(self, seconds: float | None) -> float | None:
        if seconds is None or not self.requests:
            return None
        return round(seconds / self.requests * 1000, 2)


def _schedstat(pid: int, proc: Path) -> tuple[int, int] | None:
    run = wait = 0
    try:
        tasks = list((proc / str(pid) / "task").iterdir())
    except OSError:
        return None
    for task in tasks:
        try:
            fields = (task / "schedstat").read_text().split()
        except OSError:  # the thread ended between listing and reading
            continue
        if len(fields) >= 2:
            run, wait = run + int(fields[0]), wait + int(fields[1])
    return (run, wait) if tasks else None


def _pressure(proc: Path) -> int | None:
    try:
        match = _PSI_SOME.search((proc / "pressure" / "cpu").read_text())
    except OSError:
        return None
    return int(match.group(1)) if match else None


def snapshot(pid: int | None, proc: Path = PROC) -> CpuSnapshot:
    """The service's (pid) summed thread counters and the host's CPU pressure now."""
    stat = _schedstat(pid, proc) if pid is not None else None
    return CpuSnapshot(
        at_s=time.monotonic(),
        service_run_ns=stat[0] if stat else None,
        service_wait_ns=stat[1] if stat else None,
        pressure_us=_pressure(proc),
    )


def between(run: str, start: CpuSnapshot, end: CpuSnapshot, requests: float | None) -> RunContention:
    """What happened between two snapshots of the same service (a restart in between reads as None)."""
    wall = max(end.at_s - start.at_s, 1e-9)

    def delta(a: int | None, b: int | None, scale: float) -> float | None:
        return round((b - a) / scale, 4) if a is not None and b is not None and b >= a else None

    pressure = delta(start.pressure_us, end.pressure_us, 1e6)
    return RunContention(
        run=run,
        wall_s=round(wall, 3),
        requests=int(requests) if requests is not None else None,
        service_cpu_s=delta(start.service_run_ns, end.service_run_ns, 1e9),
        service_wait_s=delta(start.service_wait_ns, end.service_wait_ns, 1e9),
        cpu_pressure_share=round(min(pressure / wall, 1.0), 4) if pressure is not None else None,
    )


def combined(runs: list[RunContention]) -> RunContention | None:
    """The runs summed into one (None without runs); a figure missing from any run is missing."""
    if not runs:
        return None

    def total(values: list[float | None]) -> float | None:
        return round(sum(v for v in values if v is not None), 4) if None not in values else None

    wall = sum(r.wall_s for r in runs)
    pressure = total([r.cpu_pressure_share * r.wall_s if r.cpu_pressure_share is not None else None
                      for r in runs])
    requests = total([float(r.requests) if r.requests is not None else None for r in runs])
    return RunContention(
        run="+".join(r.run for r in runs),
        wall_s=round(wall, 3),
        requests=int(requests) if requests is not None else None,
        service_cpu_s=total([r.service_cpu_s for r in runs]),
        service_wait_s=total([r.service_wait_s for r in runs]),
        cpu_pressure_share=round(pressure / wall, 4) if pressure is not None and wall > 0 else None,
    )


def describe(runs: list[RunContention]) -> str | None:
    """One line for the report: what the service waited for and what it ran, per request."""
    both = combined(runs)
    if both is None or (both.service_wait_s is None and both.cpu_pressure_share is None):
        return None
    parts = []
    if both.service_wait_s is not None and both.service_cpu_s is not None and both.requests:
        parts.append(
            f"the service waited {both.per_request_ms(both.service_wait_s)} ms per request for a CPU and "
            f"ran {both.per_request_ms(both.service_cpu_s)} ms (schedstat)"
        )
    if both.cpu_pressure_share is not None:
        parts.append(f"some task waited for a CPU {both.cpu_pressure_share:.0%} of the time (PSI)")
    verdict = ": contended (a miss whose median met its target: host_contended)" if both.contended else ""
    return f"host CPU over the after-runs: {'; '.join(parts)}{verdict}"
