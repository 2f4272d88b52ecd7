"""Application bottlenecks by hot path: the functions stack profiles name, in the profile's own currency.

time_share is the function's share of the profile's samples (CPU for a CPU profile), less the hot paths
named inside it. It is not converted to a share of request time: a profile of the service's process
also samples time in in-process libraries (an embedded database, C extensions), which the layer split
counts elsewhere. A hot path's line that calls a C database driver holds the driver's time
(application_profiling/driver_calls.py): that part is a database bottleneck of its own, and the function
keeps only the rest. impact = time_share * pressure, as for every bottleneck."""

from __future__ import annotations

from perfpilot.artifacts import Bottleneck, EvidenceRef, stable_id
from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.evidence.profile_models import Profile
from perfpilot.skills.application_profiling.driver_calls import DriverLine, driver_line, own_share
from perfpilot.skills.application_profiling.hot_functions import HotFunction, application_hot_paths
from perfpilot.skills.application_profiling.source_lines import source_roots

MIN_SHARE = 0.05


def _measured(profile: Profile) -> str:
    return "profiled CPU" if profile.value_type in ("cpu", "samples") else f"profiled {profile.value_type}"


def _driver_bottleneck(profile: Profile, driver: DriverLine, pressure: float) -> Bottleneck:
    where = f" on {profile.endpoint}" if profile.endpoint else ""
    label = driver.frame.label
    return Bottleneck(
        id=stable_id("bn", "database", "driver-line", profile.source, label),
        layer="database",
        title=f"Database driver calls at {label}{where}: {driver.share:.0%} of {_measured(profile)}",
        subject=label,
        impact=round(min(1.0, driver.share * pressure), 4),
        time_share=round(min(1.0, driver.share), 4),
        metrics={"cpu_share": driver.share, "pressure": round(pressure, 4)},
        evidence=[
            EvidenceRef(
                source=profile.source, excerpt=f"{label}: {driver.source}", values={"share": driver.share}
            )
        ],
    )


def _hot_path_bottleneck(profile: Profile, hot: HotFunction, share: float, pressure: float) -> Bottleneck:
    where = f" on {profile.endpoint}" if profile.endpoint else ""
    return Bottleneck(
        id=stable_id("bn", "application", "hot-path", profile.source, hot.function, hot.file),
        layer="application",
        title=f"Hot path {hot.label}{where}: {share:.0%} of {_measured(profile)}",
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


def hot_path_bottlenecks(evidence: EvidenceBundle, pressures: dict[str, float]) -> list[Bottleneck]:
    """One application bottleneck per hot path (>= 5 % of a profile, on its own time) of every profile,
    and one database bottleneck per hot line calling a C database driver (>= 5 %)."""
    pressure = max(pressures.values(), default=0.5)
    roots = source_roots(evidence.target)
    found = []
    for profile in evidence.profiles:
        for hot in application_hot_paths(profile, MIN_SHARE):
            driver = driver_line(hot, roots)
            if driver is not None and driver.share >= MIN_SHARE:
                found.append(_driver_bottleneck(profile, driver, pressure))
            share = own_share(hot, driver)
            if share >= MIN_SHARE:
                found.append(_hot_path_bottleneck(profile, hot, share, pressure))
    return found
