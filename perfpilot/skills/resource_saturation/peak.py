"""The load to plan for: the SLO's peak, else its throughput target, else the seed's 2x the measured rate."""

from __future__ import annotations

from dataclasses import dataclass

from perfpilot.skills.cost_optimization.capacity import PEAK_FACTOR
from perfpilot.target.spec import Slos


@dataclass(frozen=True)
class PlannedLoad:
    rps: float
    basis: str


def planned_load(slos: Slos, measured_rps: float | None, measured_from: str) -> PlannedLoad | None:
    """slos.peak_rps, slos.throughput_rps, or PEAK_FACTOR x the measured (offered) rate; None without any."""
    if slos.peak_rps is not None:
        return PlannedLoad(slos.peak_rps, "slos.peak_rps")
    if slos.throughput_rps is not None:
        return PlannedLoad(slos.throughput_rps, "slos.throughput_rps")
    if measured_rps is None or measured_rps <= 0:
        return None
    return PlannedLoad(
        PEAK_FACTOR * measured_rps,
        f"{PEAK_FACTOR:g} x the {measured_rps:.1f} req/s offered in {measured_from} (no peak in the SLOs)",
    )
