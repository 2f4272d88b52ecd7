"""Capacity plan: from a stress run's breaking point and the peak load, the worker processes and nodes
the peak needs, and whether one worker process per multi-core node leaves cores idle.

capacity per unit = the most requests/s the tested deployment served within its limits (breaking
point's max_good_rps), per declared worker process when the run says how many served it. The peak is
planned at TARGET_UTILISATION of that capacity: units = ceil(peak / (capacity per unit * target)).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from perfpilot.artifacts import Baseline, LoadTestRun
from perfpilot.evidence.models import Instance
from perfpilot.target.spec import Slos

PEAK_FACTOR = 2.0
"""Peak load = 2x the measured average when the SLOs give no peak_rps (the seed's rule)."""

ONE_CORE_SLACK = 1.25
"""A node whose p95 CPU x vCPUs stays under 1.25 cores is running about one busy core."""


@dataclass(frozen=True)
class PeakLoad:
    rps: float
    basis: str


@dataclass(frozen=True)
class CapacityPlan:
    """The arithmetic of one plan; None fields where the evidence does not give them."""

    run: LoadTestRun
    capacity_rps: float
    peak: PeakLoad
    target_util: float
    processes: int | None
    instance: Instance | None

    @property
    def per_unit_rps(self) -> float:
        return self.capacity_rps / (self.processes or 1)

    @property
    def units_needed(self) -> int:
        """Processes (when declared) or copies of the tested deployment the peak needs."""
        return max(1, math.ceil(self.peak.rps / (self.per_unit_rps * self.target_util)))

    @property
    def workers_per_node(self) -> int | None:
        """One worker per core: Python workers each use about one core (the GIL)."""
        return max(1, math.floor(self.instance.vcpu)) if self.instance else None

    @property
    def nodes_needed(self) -> int | None:
        if self.instance is None:
            return None
        if self.processes is None:  # the tested deployment ran on all of the group's nodes
            return self.instance.count * self.units_needed
        return math.ceil(self.units_needed / (self.workers_per_node or 1))

    @property
    def shortfall(self) -> bool:
        """The peak needs more than is deployed now."""
        return self.units_needed > (self.processes or 1)

    @property
    def processes_per_node(self) -> float | None:
        if self.instance is None or self.processes is None:
            return None
        return self.processes / self.instance.count

    @property
    def single_worker_waste(self) -> bool:
        """One worker process on a node of two or more cores, its CPU consistent with one busy core."""
        inst, per_node = self.instance, self.processes_per_node
        if inst is None or per_node is None or per_node > 1 or inst.vcpu < 2:
            return False
        cpu = inst.cpu_util_p95 or inst.cpu_util_avg
        return cpu is None or cpu * inst.vcpu <= ONE_CORE_SLACK

    def arithmetic(self) -> str:
        unit = "process" if self.processes else "tested deployment"
        served = f"{self.processes} process(es)" if self.processes else "the tested deployment"
        ratio = self.peak.rps / (self.per_unit_rps * self.target_util)
        parts = [
            f"capacity {self.capacity_rps:g} req/s within the limits ({self.run.source}, served by {served})"
            f" = {self.per_unit_rps:.2f} req/s per {unit}",
            f"peak {self.peak.rps:.2f} req/s ({self.peak.basis}) / ({self.per_unit_rps:.2f} x target "
            f"utilisation {self.target_util:g}) = {ratio:.2f}"
            f" -> {self.units_needed} {unit}(es)",
        ]
        if self.instance is not None and self.nodes_needed is not None:
            if self.processes:
                parts.append(
                    f"{self.units_needed} processes / {self.workers_per_node} per "
                    f"{self.instance.instance_type} node (one per core of {self.instance.vcpu:g} vCPU) "
                    f"-> {self.nodes_needed} node(s)"
                )
            else:
                parts.append(f"{self.instance.count} node(s) x {self.units_needed} -> {self.nodes_needed}")
        return "; ".join(parts)


def peak_load(slos: Slos, baseline: Baseline, stress_sources: set[str]) -> PeakLoad | None:
    """slos.peak_rps, else PEAK_FACTOR x the baseline's measured average (never a stress run's)."""
    if slos.peak_rps is not None:
        return PeakLoad(slos.peak_rps, "slos.peak_rps")
    average = baseline.overall.rps
    if average is None or average <= 0 or set(baseline.sources) & stress_sources:
        return None
    sources = ", ".join(baseline.sources)
    return PeakLoad(
        PEAK_FACTOR * average, f"{PEAK_FACTOR:g} x the measured average {average:.2f} req/s of {sources}"
    )


def serving_instance(run: LoadTestRun, instances: list[Instance]) -> Instance | None:
    """The inventory entry the run declares it was served by."""
    if run.served_by is None:
        return None
    return next((i for i in instances if i.name == run.served_by), None)


def plan_capacity(
    run: LoadTestRun, peak: PeakLoad, instance: Instance | None, target_util: float
) -> CapacityPlan | None:
    """None unless the run has a breaking point with a measured good load before it."""
    point = run.breaking_point
    if point is None or not point.max_good_rps:
        return None
    return CapacityPlan(
        run=run,
        capacity_rps=point.max_good_rps,
        peak=peak,
        target_util=target_util,
        processes=run.processes,
        instance=instance,
    )
