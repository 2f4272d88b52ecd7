"""How much a load test's service waited for a CPU: the kernel's per-thread run-queue wait and the host's
CPU pressure, read around one run.

Linux only, and only what the kernel exposes: /proc/PID/task/*/schedstat gives each thread's time on a
CPU and time runnable but waiting for one (ns), taken per thread between the two readings (a thread
started during the run counts from zero; one that exited during it is lost, so the figures are lower
bounds; a thread pool retires idle workers: a sum over the threads alive is not monotonic);
/proc/pressure/cpu (PSI) gives the time some runnable task waited for a
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
    """Cumulative counters at one instant (None where the kernel did not give them): per thread id of the
    service, (ns on a CPU, ns runnable waiting for one); the host's PSI `some` total."""

    at_s: float
    threads: dict[int, tuple[int, int]] | None
    pressure_us: int | None

    @property
    def service_run_ns(self) -> int | None:
        return sum(run for run, _ in self.threads.values()) if self.threads is not None else None

    @property
    def service_wait_ns(self) -> int | None:
        return sum(wait for _, wait in self.threads.values()) if self.threads is not None else None


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


def _schedstat(pid: int, proc: Path) -> dict[int, tuple[int, int]] | None:
    """Per thread id: (ns on a CPU, ns runnable waiting for one); None when the process is gone."""
    threads: dict[int, tuple[int, int]] = {}
    try:
        tasks = list((proc / str(pid) / "task").iterdir())
    except OSError:
        return None
    for task in tasks:
        try:
            fields = (task / "schedstat").read_text().split()
        except OSError:  # the thread ended between listing and reading
            continue
        if len(fields) >= 2 and task.name.isdigit():
            threads[int(task.name)] = (int(fields[0]), int(fields[1]))
    return threads or None


def _pressure(proc: Path) -> int | None:
    try:
        match = _PSI_SOME.search((proc / "pressure" / "cpu").read_text())
    except OSError:
        return None
    return int(match.group(1)) if match else None


def snapshot(pid: int | None, proc: Path = PROC) -> CpuSnapshot:
    """The service's (pid) per-thread counters and the host's CPU pressure now."""
    return CpuSnapshot(
        at_s=time.monotonic(),
        threads=_schedstat(pid, proc) if pid is not None else None,
        pressure_us=_pressure(proc),
    )


def _thread_deltas(start: CpuSnapshot, end: CpuSnapshot) -> tuple[int, int] | None:
    """(run ns, wait ns) summed over the threads alive at the end, each from its value at the start (or
    zero: started since, or an id reused by a new thread whose counters are below the old one's)."""
    if start.threads is None or end.threads is None:
        return None
    run = wait = 0
    for tid, (end_run, end_wait) in end.threads.items():
        start_run, start_wait = start.threads.get(tid, (0, 0))
        if end_run < start_run or end_wait < start_wait:
            start_run = start_wait = 0
        run, wait = run + end_run - start_run, wait + end_wait - start_wait
    return run, wait


def between(run: str, start: CpuSnapshot, end: CpuSnapshot, requests: float | None) -> RunContention:
    """What happened between two snapshots of the same service (pid)."""
    wall = max(end.at_s - start.at_s, 1e-9)

    def delta(a: int | None, b: int | None, scale: float) -> float | None:
        return round((b - a) / scale, 4) if a is not None and b is not None and b >= a else None

    pressure = delta(start.pressure_us, end.pressure_us, 1e6)
    service = _thread_deltas(start, end)
    return RunContention(
        run=run,
        wall_s=round(wall, 3),
        requests=int(requests) if requests is not None else None,
        service_cpu_s=round(service[0] / 1e9, 4) if service is not None else None,
        service_wait_s=round(service[1] / 1e9, 4) if service is not None else None,
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
    """One short line for the report (the validation step's budget is small): CPU wait and CPU time per
    request of the service, and the host's CPU pressure."""
    both = combined(runs)
    if both is None or (both.service_wait_s is None and both.cpu_pressure_share is None):
        return None
    parts = []
    if both.service_wait_s is not None and both.service_cpu_s is not None and both.requests:
        parts.append(
            f"service waited {both.per_request_ms(both.service_wait_s)} ms/request for a CPU, ran "
            f"{both.per_request_ms(both.service_cpu_s)} ms"
        )
    if both.cpu_pressure_share is not None:
        parts.append(f"CPU pressure {both.cpu_pressure_share:.0%}")
    return f"host CPU, after-runs: {', '.join(parts)}" + (" (contended)" if both.contended else "")
