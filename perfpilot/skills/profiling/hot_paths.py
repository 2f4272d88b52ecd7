"""Application bottlenecks by hot path: the application's time attributed to the functions profiles name.

When request time is split by layer, a hot path's time_share is the application layer's share times the
function's share of the profile (application time is taken to be the CPU the profile sampled; the
evidence says which profile); without a split it is the function's share of the profile itself.
impact = time_share * pressure, as for every bottleneck."""

from __future__ import annotations

from perfpilot.artifacts import Bottleneck, EvidenceRef, stable_id
from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.skills.application_profiling.hot_functions import application_hot_paths
from perfpilot.skills.profiling.attribution import LayerTimes

MIN_SHARE = 0.10


def hot_path_bottlenecks(
    evidence: EvidenceBundle, times: LayerTimes | None, pressures: dict[str, float]
) -> list[Bottleneck]:
    """One application bottleneck per hot path (>= 10 % of a profile) of every profile."""
    app_share = times.shares().get("application") if times is not None else None
    pressure = max(pressures.values(), default=0.5)
    found = []
    for profile in evidence.profiles:
        for hot in application_hot_paths(profile, MIN_SHARE):
            cpu = hot.exclusive_share if hot.exclusive_share is not None else hot.total_share
            share = cpu * app_share if app_share is not None else cpu
            where = f" on {profile.endpoint}" if profile.endpoint else ""
            of_request = (
                f", about {share:.0%} of request time (application {app_share:.0%})"
                if app_share is not None
                else ""
            )
            found.append(
                Bottleneck(
                    id=stable_id("bn", "application", "hot-path", profile.source, hot.function, hot.file),
                    layer="application",
                    title=f"Hot path {hot.label}{where}: {cpu:.0%} of profiled CPU{of_request}",
                    subject=hot.label,
                    impact=round(min(1.0, share * pressure), 4),
                    time_share=round(min(1.0, share), 4),
                    metrics={
                        "cpu_share": cpu,
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
