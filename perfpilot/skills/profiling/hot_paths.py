"""Application bottlenecks by hot path: the functions stack profiles name, in the profile's own currency.

time_share is the function's share of the profile's samples (CPU for a CPU profile), less the hot paths
named inside it. It is not converted to a share of request time: a profile of the service's process
also samples time in in-process libraries (an embedded database, C extensions), which the layer split
counts elsewhere. impact = time_share * pressure, as for every bottleneck."""

from __future__ import annotations

from perfpilot.artifacts import Bottleneck, EvidenceRef, stable_id
from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.skills.application_profiling.hot_functions import application_hot_paths

MIN_SHARE = 0.05


def hot_path_bottlenecks(evidence: EvidenceBundle, pressures: dict[str, float]) -> list[Bottleneck]:
    """One application bottleneck per hot path (>= 5 % of a profile) of every profile."""
    pressure = max(pressures.values(), default=0.5)
    found = []
    for profile in evidence.profiles:
        for hot in application_hot_paths(profile, MIN_SHARE):
            share = hot.exclusive_share if hot.exclusive_share is not None else hot.total_share
            where = f" on {profile.endpoint}" if profile.endpoint else ""
            what = (
                "profiled CPU"
                if profile.value_type in ("cpu", "samples")
                else f"profiled {profile.value_type}"
            )
            found.append(
                Bottleneck(
                    id=stable_id("bn", "application", "hot-path", profile.source, hot.function, hot.file),
                    layer="application",
                    title=f"Hot path {hot.label}{where}: {share:.0%} of {what}",
                    subject=hot.label,
                    impact=round(min(1.0, share * pressure), 4),
                    time_share=round(min(1.0, share), 4),
                    metrics={
                        "cpu_share": share,
                        "total_share": hot.total_share,
                        "self_share": hot.self_share,
                        "pressure": round(pressure, 4),
                    },
                    evidence=[
                        EvidenceRef(
                            source=profile.source,
                            excerpt=hot.label,
                            values={"total_share": hot.total_share, "self_share": hot.self_share},
                        )
                    ],
                )
            )
    return found
