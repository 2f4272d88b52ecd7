"""Cacheable results: an expensive unfiltered read, run again and again, returns the same answer.

A read with no WHERE clause does not depend on the request (its literals are constants such as a LIMIT);
when it aggregates or joins (not a tiny lookup), runs repeatedly and costs real time, caching its result
(cache-aside with a TTL) removes all but one execution per TTL window. The estimate assumes the
observed arrival rate continues: executions kept = window / TTL (at least one), the rest become hits.
The window is the shape's first to last timestamp; a source without timestamps (pg_stat_statements,
whose calls count since its last reset, or a .sql file) gives calls with no arrival rate, so the finding
then states the time at stake and says the saving is unknown, with no estimate.
"""

from __future__ import annotations

import re
from datetime import datetime

from perfpilot.artifacts import EvidenceRef, Finding, ImpactEstimate, Priority, Remediation
from perfpilot.artifacts.priority import priority_from_impact
from perfpilot.skills.database_optimization.findings.format import SKILL_NAME, excerpt, finding_id, safe_label
from perfpilot.workload.models import QueryShape

MIN_EXECUTIONS = 2
MIN_MEAN_S = 0.05
TTL_S = 60.0
USER_VISIBLE_S = 0.1
WHERE = re.compile(r"\b(where|having)\b", re.IGNORECASE)
READ = re.compile(r"^\s*(with|select)\b", re.IGNORECASE)
HEAVY = re.compile(r"\b(group by|join|count\(|sum\(|avg\(|distinct)\b", re.IGNORECASE)


def _window_s(shape: QueryShape) -> float | None:
    if shape.first_seen is None or shape.last_seen is None:
        return None
    try:
        first = datetime.fromisoformat(str(shape.first_seen))
        last = datetime.fromisoformat(str(shape.last_seen))
    except ValueError:
        return None
    return max(0.0, (last - first).total_seconds())


def _priority(impact: float, mean_s: float) -> Priority:
    """By share of time, but at least medium when one execution alone is slow enough for users to see."""
    by_share = priority_from_impact(impact)
    return "medium" if by_share == "low" and mean_s >= USER_VISIBLE_S else by_share


def _kept(shape: QueryShape, window: float | None) -> float:
    """Executions a TTL cache keeps: one per TTL window of the observed window, at most all of them."""
    return min(max(1.0, window / TTL_S) if window else 1.0, float(shape.count))


def is_cacheable(shape: QueryShape) -> bool:
    """An expensive unfiltered read run repeatedly, whose calls (when timed) come more often than once per
    TTL: calls further apart than the TTL would all miss, so caching them saves nothing."""
    window = _window_s(shape)
    return (
        not WHERE.search(shape.fingerprint)
        and bool(READ.match(shape.fingerprint))
        and bool(HEAVY.search(shape.fingerprint))
        and shape.count >= MIN_EXECUTIONS
        and shape.mean_time_s >= MIN_MEAN_S
        and (window is None or _kept(shape, window) < shape.count)
    )


def cache_finding(shape: QueryShape, workload_time_s: float, source: str) -> Finding:
    window = _window_s(shape)
    kept = _kept(shape, window)
    expected = shape.mean_time_s * kept
    saved = shape.total_time_s - expected if window is not None else shape.total_time_s  # else: at stake
    impact = min(1.0, saved / workload_time_s) if workload_time_s > 0 else 0.0
    label = safe_label(shape.fingerprint, 60)
    unknown_rate = (
        ""
        if window is not None
        else f" The source gives no timestamps (e.g. pg_stat_statements, whose calls count since its last "
        f"reset): over what time they arrived is unknown, so how many a {TTL_S:g} s TTL would keep, and what "
        "caching saves, is not estimated; the impact is the time the query takes."
    )
    return Finding(
        id=finding_id("cacheable_query", shape.id),
        skill=SKILL_NAME,
        kind="cacheable_query",
        layer="cache",
        subject=f"query {shape.id}: {label}",
        title=f"Cache a repeated aggregate ({shape.count}x, {shape.mean_time_s * 1000:.0f} ms each)",
        root_cause=(
            f"The same unfiltered aggregate ran {shape.count} times at a mean of "
            f"{shape.mean_time_s * 1000:.0f} ms; it returns the same answer until the data changes."
            + unknown_rate
        ),
        impact=round(max(0.0, impact), 4),
        estimate=ImpactEstimate(
            metric="workload_time_s",
            current=round(shape.total_time_s, 6),
            expected=round(expected, 6),
            unit="s",
            method=f"cache-aside, {TTL_S:g} s TTL: one execution per TTL window of the observed window",
        )
        if window is not None
        else None,
        priority=_priority(impact, shape.mean_time_s),
        complexity="complex",
        remediation=Remediation(
            kind="patch",
            title="Cache the query result (cache-aside, TTL)",
            content=(
                f"Serve this result from a cache (in-process or Redis) with a {TTL_S:g} s TTL, computed on a "
                "miss and invalidated when its tables are written:\n\n" + excerpt(shape.example)
            ),
            rollback="Remove the cache lookup; the query runs on every request again.",
            effort_days=1.0,
            risk="low",
        ),
        evidence=[
            EvidenceRef(
                source=source,
                excerpt=excerpt(shape.example),
                values={
                    "count": shape.count,
                    "mean_time_s": round(shape.mean_time_s, 4),
                    "total_time_s": round(shape.total_time_s, 4),
                },
            )
        ],
    )
