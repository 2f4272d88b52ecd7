"""pool_exhausted: requests waiting for a connection from a pool too small for the load it is offered.

Reported when the wait per connection request is at least MIN_WAIT_SHARE of the mean request time, or
(without a request time) when most connection requests queued, or when requests timed out waiting.
impact = mean wait per request / mean request time (1 when no request time is known and most queued).
The estimate `request_time_ms` (every endpoint: they share the pool): the mean request time now, and
without the pool wait plus the wait left at the new size (M/M/c: C(c, a) x H / (c - a) at the offered load).
"""

from __future__ import annotations

from perfpilot.artifacts import EvidenceRef, Finding, ImpactEstimate, Remediation
from perfpilot.artifacts.plan import Risk
from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.skills.resource_saturation.findings import saturation_finding
from perfpilot.skills.resource_saturation.offered_load import OfferedLoad
from perfpilot.skills.resource_saturation.peak import planned_load
from perfpilot.skills.resource_saturation.pool_metrics import PoolStats
from perfpilot.skills.resource_saturation.pool_sizing import (
    SATURATED_QUEUED_SHARE,
    HoldTime,
    PoolSize,
    max_connections,
    saturated_hold,
    size_pool,
    traced_database_s,
    traced_hold,
)
from perfpilot.skills.validation.queueing import erlang_c

MIN_WAIT_SHARE = 0.10
HELD_ACROSS_FACTOR = 3.0
"""A hold time this many times the traced database time means the connection is held across other work."""


def _saturated(pool: PoolStats, wait_share: float | None) -> bool:
    """Requests queue only when every connection is busy: most of them queued, or most of the request
    time spent waiting, or connections in use at the maximum, or requests pending, say it was saturated."""
    return bool(
        (pool.queued_share or 0) >= SATURATED_QUEUED_SHARE
        or (wait_share or 0) >= SATURATED_QUEUED_SHARE
        or (pool.in_use_max is not None and pool.in_use_max >= pool.max_size)
        or (pool.pending_max or 0) > 0
    )


def _per_request(pool: PoolStats, load: OfferedLoad | None) -> float:
    if pool.requests and load is not None and load.requests:
        return pool.requests / load.requests
    return 1.0


def _hold(
    pool: PoolStats, load: OfferedLoad | None, evidence: EvidenceBundle, wait_share: float | None
) -> HoldTime | None:
    served = load.served_rps if load is not None else None
    if _saturated(pool, wait_share) and served:
        return saturated_hold(pool.max_size, served * _per_request(pool, load))
    return traced_hold(evidence.traces)


def _residual_wait_ms(size: PoolSize, hold: HoldTime, now_offered: float) -> float:
    if now_offered >= size.size:
        return 0.0
    return erlang_c(size.size, now_offered) * hold.seconds * 1000 / (size.size - now_offered)


def _held_across(hold: HoldTime | None, evidence: EvidenceBundle) -> str:
    database_s = traced_database_s(evidence.traces)
    if hold is None or database_s is None or hold.seconds < HELD_ACROSS_FACTOR * database_s:
        return ""
    return (
        f" Each request holds its connection {hold.seconds * 1000:.1f} ms while its database calls take "
        f"{database_s * 1000:.1f} ms (traces): the connection is held across other work, such as a call "
        "to another service inside the transaction."
    )


def _facts(pool: PoolStats, wait_ms: float | None, load: OfferedLoad | None) -> str:
    parts = [f"max size {pool.max_size:g}"]
    if pool.in_use_max is not None:
        parts.append(f"at most {pool.in_use_max:g} in use")
    if pool.queued is not None and pool.requests:
        parts.append(f"{pool.queued:,.0f} of {pool.requests:,.0f} connection requests queued")
    if wait_ms is not None:
        parts.append(f"{wait_ms:,.0f} ms waited per connection request")
    if pool.timeouts:
        parts.append(f"{pool.timeouts:,.0f} timed out")
    if load is not None and load.mean_request_ms is not None:
        parts.append(f"mean request time {load.mean_request_ms:,.0f} ms ({load.source})")
    since = "over the scrape window" if pool.windowed else "since the process started (one scrape)"
    return "; ".join(parts) + f" ({', '.join(pool.metrics)}, {since})"


def _content(pool: PoolStats, size: PoolSize | None, held: str) -> str:
    if size is None:
        head = (
            "Raise the pool's maximum size: the hold time per request is unknown (no traces and the pool "
            "was not saturated) or there is no load to plan for, so size it as planned request rate x "
            "hold time and re-measure."
        )
    else:
        head = (
            f"Set the pool's maximum size to {size.size} (psycopg_pool max_size, HikariCP "
            f"maximumPoolSize, SQLAlchemy pool_size + max_overflow, Go SetMaxOpenConns): {size.arithmetic}."
        )
    if size is None or size.max_connections is None:
        head += (
            " Keep max size x processes below the database's max_connections (not in the evidence; "
            "PostgreSQL's default is 100)."
        )
    if size is not None and size.capped:
        head += (
            " The database cannot take the pool the load needs: shorten the hold time, or put a "
            "transaction pooler (PgBouncer) in front of it."
        )
    if held:
        head += (
            " Then shorten the hold: take the connection only around the queries, and make calls to other "
            "services outside the transaction."
        )
    return head


def _risk(size: PoolSize | None) -> Risk:
    """Low when the size is known to fit the database's connections, else medium."""
    return "low" if size is not None and size.max_connections is not None and not size.capped else "medium"


def pool_finding(
    pool: PoolStats, load: OfferedLoad | None, evidence: EvidenceBundle
) -> Finding | None:
    """The finding for one pool, or None when waiting for it is not material."""
    wait_s = pool.wait_s_per_request
    mean_ms = load.mean_request_ms if load is not None else None
    share = min(1.0, wait_s * 1000 / mean_ms) if wait_s is not None and mean_ms else None
    material = (share is not None and share >= MIN_WAIT_SHARE) or bool(pool.timeouts)
    if share is None and (pool.queued_share or 0) >= SATURATED_QUEUED_SHARE:
        material, share = True, 1.0
    if not material:
        return None
    hold = _hold(pool, load, evidence, share)
    offered = load.offered_rps or load.served_rps if load is not None else None
    plan = planned_load(evidence.target.slos, offered, load.source if load else "")
    per_request = _per_request(pool, load)
    size = (
        size_pool(hold, plan, per_request, max_connections(evidence))
        if hold is not None and plan is not None
        else None
    )
    wait_ms = wait_s * 1000 if wait_s is not None else None
    held = _held_across(hold, evidence)
    current = mean_ms or 0.0
    expected = current
    if wait_ms is not None and mean_ms is not None:
        residual = (
            _residual_wait_ms(size, hold, (offered or 0) * per_request * hold.seconds)
            if size is not None and hold is not None
            else 0.0
        )
        expected = max(0.0, mean_ms - wait_ms) + residual
    title_size = f"; size it to {size.size}" if size is not None else ""
    return saturation_finding(
        kind="pool_exhausted",
        layer="application",
        subject=pool.name,
        title=f"Requests wait for a connection from the {pool.name}, max size {pool.max_size:g}"
        + (f": {share:.0%} of request time" if share is not None else "")
        + title_size,
        root_cause=f"The connection pool is too small for the load: {_facts(pool, wait_ms, load)}.{held}",
        impact=share or 0.0,
        estimate=ImpactEstimate(
            metric="request_time_ms",  # every request of the process takes its connections from the pool
            current=round(current, 3),
            expected=round(expected, 3),
            unit="ms",
            method="mean request time now, and without the pool wait plus the M/M/c wait left at the new "
            "size" + (f" ({size.arithmetic})" if size is not None else ""),
        ),
        remediation=Remediation(
            kind="config",
            title=f"Size the connection pool to {size.size}" if size else "Raise the connection pool size",
            content=_content(pool, size, held),
            rollback=f"Set the pool's maximum size back to {pool.max_size:g}.",
            effort_days=0.5,
            risk=_risk(size),
        ),
        evidence=[
            EvidenceRef(
                source=", ".join(pool.metrics) or pool.exporter,
                excerpt=_facts(pool, wait_ms, load)[:2000],
                values={
                    k: round(v, 4)
                    for k, v in {
                        "max_size": pool.max_size,
                        "in_use_max": pool.in_use_max,
                        "queued_share": pool.queued_share,
                        "wait_ms_per_request": wait_ms,
                        "wait_share": share,
                        "hold_ms": hold.seconds * 1000 if hold else None,
                        "recommended_size": float(size.size) if size else None,
                    }.items()
                    if v is not None
                },
            )
        ],
        complexity="quick_fix",
    )
