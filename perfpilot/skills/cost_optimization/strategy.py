"""How container requests are sized from usage, as krr's simple strategy does, with the percentile chosen
by workload type.

CPU request: a percentile of the per-interval CPU rates over the window (p99 for a serving workload,
whose tail latency suffers when it is throttled or starved; p95 for batch-like work: workers, jobs,
queues), rounded up to a millicore. Memory request (and limit): the peak working set plus a buffer
(15% by default), rounded up to a MiB: memory is not compressible, so never below the peak. A CPU or
memory limit below the measured peak is raised to it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from perfpilot.evidence.models import K8sWorkload
from perfpilot.skills.cost_optimization.pricing import MEMORY_BUFFER, SPOT_ROLES

CpuPercentile = Literal["auto", "p95", "p99"]


@dataclass(frozen=True)
class RequestStrategy:
    """The configurable part: which CPU percentile, how much memory buffer."""

    cpu_percentile: CpuPercentile = "auto"
    memory_buffer: float = MEMORY_BUFFER

    def percentile_for(self, workload: K8sWorkload) -> float:
        """0.95 or 0.99: as configured, or by workload type when 'auto'."""
        if self.cpu_percentile != "auto":
            return 0.95 if self.cpu_percentile == "p95" else 0.99
        return 0.95 if is_batch_like(workload) else 0.99

    def describe(self, workload: K8sWorkload) -> str:
        q = self.percentile_for(workload)
        how = "configured" if self.cpu_percentile != "auto" else (
            "batch-like workload" if q == 0.95 else "serving workload"
        )
        return (
            f"CPU request = p{q * 100:.0f} of the per-interval CPU rates ({how}), rounded up to 1m; memory "
            f"= peak working set x {1 + self.memory_buffer:g}, rounded up to 1 MiB"
        )


def is_batch_like(workload: K8sWorkload) -> bool:
    """Jobs, CronJobs, and workloads named like workers, queues or batch runs."""
    name = workload.name.lower()
    return workload.kind.lower() in ("job", "cronjob") or any(word in name for word in SPOT_ROLES)


def round_up(value: float, step: float) -> float:
    """Up to the next multiple of step (at least one step), without float noise."""
    return round(max(step, math.ceil(round(value / step, 9)) * step), 6)
