"""The role of each k6 run (baseline, peak, stress, soak): as declared, else inferred from its shape.

Inference reads what the run itself carries, in this order: soak-phase sub-metrics or a run of at least
SOAK_MIN_S; rising stage targets (options in the summary) or, from the time series, load that rises
by RISING_FACTOR from the first to the last quarter; otherwise a steady run, which is a peak run when
its load is at least PEAK_FACTOR times the lightest steady run's, else a baseline run.
"""

from __future__ import annotations

from dataclasses import dataclass

from perfpilot.artifacts import LoadTestRole
from perfpilot.evidence.k6_summary import find_metric
from perfpilot.evidence.models import K6Summary

SOAK_MIN_S = 30 * 60
RISING_FACTOR = 2.0
PEAK_FACTOR = 1.5


@dataclass(frozen=True)
class RoleOf:
    """A run's role and the basis for it ('declared' or the inference's reason)."""

    role: LoadTestRole
    basis: str


def average_rps(summary: K6Summary) -> float | None:
    reqs = find_metric(summary, "http_reqs")
    return reqs.values.get("rate") if reqs else None


def _rising_load(summary: K6Summary) -> str | None:
    """Why the run's load rises, if it does."""
    targets = summary.stage_targets
    rising = targets == sorted(targets) and len(targets) >= 2
    if rising and targets[-1] >= RISING_FACTOR * max(targets[0], 1e-9):
        return f"stage targets rise from {targets[0]:g} to {targets[-1]:g}"
    timeline = summary.timeline
    if timeline is None or len(timeline.windows) < 4:
        return None
    full = timeline.windows[:-1]  # the last window is usually cut short by the run's end
    quarter = max(1, len(full) // 4)
    first = sum(w.rps for w in full[:quarter]) / quarter
    last = sum(w.rps for w in full[-quarter:]) / quarter
    if first > 0 and last >= RISING_FACTOR * first:
        return f"load rises from {first:.1f} to {last:.1f} requests/s (first vs last quarter of the run)"
    return None


def _shape(summary: K6Summary) -> RoleOf | None:
    """soak or stress when the run's own data says so; None for a steady run."""
    if any(m.name == "http_req_duration" and set(m.tags) == {"phase"} for m in summary.metrics):
        return RoleOf("soak", "inferred: soak-phase sub-metrics (first/middle/last)")
    if summary.duration_s is not None and summary.duration_s >= SOAK_MIN_S:
        return RoleOf("soak", f"inferred: ran {summary.duration_s / 60:.0f} min (>= {SOAK_MIN_S // 60} min)")
    rising = _rising_load(summary)
    return RoleOf("stress", f"inferred: {rising}") if rising else None


def assign_roles(summaries: list[K6Summary]) -> list[RoleOf]:
    """One RoleOf per summary, in order."""
    shaped = [None if s.role else _shape(s) for s in summaries]
    steady = [
        rate
        for s, shape in zip(summaries, shaped, strict=True)
        if (s.role in ("baseline", "peak") or (s.role is None and shape is None))
        and (rate := average_rps(s)) is not None
    ]
    lightest = min(steady, default=None)
    roles = []
    for summary, shape in zip(summaries, shaped, strict=True):
        if summary.role is not None:
            roles.append(RoleOf(summary.role, "declared"))
        elif shape is not None:
            roles.append(shape)
        else:
            rate = average_rps(summary)
            if rate is not None and lightest and rate >= PEAK_FACTOR * lightest:
                basis = f"inferred: steady at {rate:.1f} requests/s, >= {PEAK_FACTOR:g}x the lightest run"
                roles.append(RoleOf("peak", basis))
            else:
                roles.append(RoleOf("baseline", "inferred: steady load, the lightest run or the only one"))
    return roles
