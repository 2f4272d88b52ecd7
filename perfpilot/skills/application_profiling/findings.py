"""Findings from a profile: its application hot paths and the inefficiency patterns under them.

Impact is the share of the profile's samples (CPU time for a CPU profile) the finding covers, the
currency of the profile itself; the estimate's expected share is what the change removes: all of it
where the work disappears (a regex compiled once), a stated projection where it only shrinks."""

from __future__ import annotations

from pathlib import Path

from perfpilot.artifacts import EvidenceRef, Finding, ImpactEstimate, Remediation, stable_id
from perfpilot.artifacts.findings import FixComplexity
from perfpilot.artifacts.priority import priority_from_impact
from perfpilot.evidence.profile_models import Profile, ProfileFrame
from perfpilot.skills.application_profiling.driver_calls import DriverLine, driver_line, own_share
from perfpilot.skills.application_profiling.hot_functions import HotFunction
from perfpilot.skills.application_profiling.patterns import PATTERNS, PatternHit

SKILL_NAME = "application-profiler"
HIGH_SHARE = 0.20
MEDIUM_SHARE = 0.05
HOT_PATH_MIN_SHARE = MEDIUM_SHARE
QUERIES_IN_HOT_PATH = next(p for p in PATTERNS if p.kind == "queries_in_hot_path")


def measured_as(profile: Profile) -> str:
    """'CPU samples' / 'cpu time' / 'wall time': what a share of this profile is a share of."""
    if profile.format == "collapsed":
        waiting_too = profile.value_type == "wall"
        return "sampled thread stacks (running or waiting)" if waiting_too else "sampled CPU stacks"
    return f"{profile.value_type} ({profile.unit})"


def _profiled(profile: Profile) -> str:
    return "sampled thread time" if profile.value_type == "wall" else "profiled CPU"


def _where(profile: Profile) -> str:
    ties = [
        f"{k} {v}"
        for k, v in (("endpoint", profile.endpoint), ("process", profile.process), ("node", profile.node))
        if v
    ]
    return f" ({', '.join(ties)})" if ties else ""


def _metric(profile: Profile, subject: str) -> str:
    return f"cpu_share:{profile.endpoint}:{subject}" if profile.endpoint else f"cpu_share:{subject}"


def _finding(
    profile: Profile,
    kind: str,
    subject: ProfileFrame,
    title: str,
    share: float,
    *,
    complexity: FixComplexity,
    root_cause: str,
    change: str,
    avoidable: float,
    values: dict[str, float],
) -> Finding:
    method = f"share of the profile's {measured_as(profile)} with {subject.label} on the stack" + (
        "" if avoidable >= 1 else f"; projection: the change is assumed to remove {avoidable:.0%} of it"
    )
    return Finding(
        id=stable_id("app", kind, profile.source, profile.endpoint or "", subject.function, subject.file),
        skill=SKILL_NAME,
        kind=kind,
        layer="application",
        subject=subject.label,
        title=title,
        root_cause=root_cause,
        impact=round(min(1.0, share), 4),
        estimate=ImpactEstimate(
            metric=_metric(profile, subject.function),
            current=round(share, 4),
            expected=round(share * (1 - avoidable), 4),
            unit="share",
            method=method,
        ),
        priority=priority_from_impact(share, high=HIGH_SHARE, medium=MEDIUM_SHARE),
        complexity=complexity,
        remediation=Remediation(
            kind="patch",
            title=f"Change {subject.label}",
            content=change,
            rollback="Revert the code change.",
            effort_days=0.5 if complexity == "quick_fix" else 2.0,
            risk="low" if complexity == "quick_fix" else "medium",
        ),
        evidence=[EvidenceRef(source=profile.source, excerpt=subject.label, values=values)],
    )


def pattern_finding(profile: Profile, hit: PatternHit) -> Finding:
    """The pattern, charged to the application function that leads into most of it."""
    caller, caller_share = hit.callers[0]
    others = "; ".join(f"{f.label} {s:.0%}" for f, s in hit.callers[1:4])
    pattern = hit.pattern
    root_cause = (
        f"{hit.share:.0%} of the profile's {measured_as(profile)}{_where(profile)} is spent {pattern.what}, "
        f"{caller_share:.0%} of it under {caller.label}" + (f" (also: {others})" if others else "") + "."
        + (f" Source: {hit.detail}." if hit.detail else "")
    )
    return _finding(
        profile,
        pattern.kind,
        caller,
        f"{caller.function}: {pattern.what} takes {hit.share:.0%} of {_profiled(profile)}",
        hit.share,
        complexity=pattern.complexity,
        root_cause=root_cause,
        change=f"In {caller.label}: {pattern.change}",
        avoidable=pattern.avoidable,
        values={
            "share": round(hit.share, 4),
            "caller_share": round(caller_share, 4),
            "profile_total": round(profile.total, 3),
        },
    )


def hot_path_finding(profile: Profile, hot: HotFunction, driver: DriverLine | None = None) -> Finding:
    """An application function that holds a large share of the profile with no known pattern under it
    (less the time its driver line spends in a database driver, which is the database's)."""
    frame = ProfileFrame(function=hot.function, file=hot.file, line=hot.line)
    share = own_share(hot, driver)
    apart = "" if share == hot.total_share else f", {share:.0%} with no application code below it"
    if driver is not None:
        apart += f" once its {driver.share:.0%} in the database driver (line {driver.frame.line}) is apart"
    if hot.callers:
        apart += "; called from " + ", ".join(f"{c} {v:.0%}" for c, v in hot.callers)
    own = f"{hot.self_share:.0%} in its own code"
    if hot.self_line is not None and hot.self_share > 0 and driver is None:
        own += f", mostly at line {hot.self_line}: a loop there, or one call into native code (a C extension "
        own += "such as a database driver, or a builtin)"
    root_cause = (
        f"{hot.label} is on the stack in {hot.total_share:.0%} of the profile's {measured_as(profile)}"
        f"{_where(profile)} ({own}{apart}): work done on every call that the request path pays for."
    )
    change = (
        f"In {hot.label}: when its result depends only on inputs that repeat, compute it once and reuse it "
        "(functools.lru_cache / a cache keyed by the inputs, or precompute at start-up); otherwise move "
        "it off the request path (a background job) or replace the algorithm; its self-time lines show "
        "where inside it the time goes."
    )
    return _finding(
        profile,
        "hot_path",
        frame,
        f"Hot path {hot.function} takes {share:.0%} of {_profiled(profile)}",
        share,
        complexity="complex",
        root_cause=root_cause,
        change=change,
        avoidable=0.5,
        values={
            "total_share": hot.total_share,
            "self_share": hot.self_share,
            "exclusive_share": share,
            "profile_total": round(profile.total, 3),
        },
    )


def driver_hit(driver: DriverLine) -> PatternHit:
    """The database-driver time a C driver hides at the line calling it, as the queries pattern's hit."""
    detail = (
        f"{driver.frame.label} reads `{driver.source}`: a DB-API call into a driver with no Python frame, "
        "so the profile counts the driver's time (the queries, or the wait for the database) at this line"
    )
    return PatternHit(QUERIES_IN_HOT_PATH, driver.share, [(driver.frame, driver.share)], detail)


def profile_findings(
    profile: Profile, hits: list[PatternHit], hot_paths: list[HotFunction], roots: tuple[Path, ...] = ()
) -> list[Finding]:
    """Pattern findings (with the database-driver time hot lines hide, driver_calls.py), then hot paths
    that no pattern finding already names, on their own time."""
    drivers = {(h.function, h.file): d for h in hot_paths if (d := driver_line(h, roots)) is not None}
    hits = [*hits, *map(driver_hit, drivers.values())]
    found = [pattern_finding(profile, hit) for hit in hits if hit.callers]
    named = {(h.callers[0][0].function, h.callers[0][0].file): h.share for h in hits if h.callers}
    for hot in hot_paths:
        driver = drivers.get((hot.function, hot.file))
        share = own_share(hot, driver)
        if share < HOT_PATH_MIN_SHARE:
            continue
        if driver is None and named.get((hot.function, hot.file), 0.0) >= share * 0.5:
            continue  # a pattern finding already explains most of it
        found.append(hot_path_finding(profile, hot, driver))
    return found
