"""Edge caching: repeated, successful, sizeable GET responses and static assets the origin still serves."""

from __future__ import annotations

from perfpilot.artifacts import Finding, ImpactEstimate, Remediation, stable_id
from perfpilot.artifacts.priority import priority_from_impact
from perfpilot.skills.edge_computing.edge_data import (
    MIN_OK_SHARE,
    PERSONAL_SEGMENTS,
    STATIC_EXTENSIONS,
    STATIC_MAX_AGE_S,
)
from perfpilot.skills.edge_computing.edge_evidence import SKILL_NAME, traffic_ref
from perfpilot.skills.edge_computing.templates import extension_of, is_personal
from perfpilot.skills.edge_computing.traffic import EndpointTraffic, simulate_hits

OFFLOAD_IMPACT_FORMULA = (
    "impact = simulated edge hits / all logged requests (the share of origin load removed)"
)


def is_static(traffic: EndpointTraffic) -> bool:
    return extension_of(traffic.template) in STATIC_EXTENSIONS


def cacheable_finding(
    traffic: EndpointTraffic,
    total_requests: int,
    source: str,
    ttl_s: float,
    min_requests: int,
    min_bytes: float,
    min_hit_ratio: float,
) -> Finding | None:
    """A GET template whose responses repeat within the TTL: cache it at the edge."""
    if (
        traffic.method != "GET"
        or is_static(traffic)
        or traffic.requests < min_requests
        or traffic.ok_share < MIN_OK_SHARE
        or traffic.mean_bytes < min_bytes
        or is_personal(traffic.template, PERSONAL_SEGMENTS)
    ):
        return None
    hits = sum(simulate_hits(traffic.entries, ttl_s))
    ratio = hits / traffic.requests
    if ratio < min_hit_ratio:
        return None
    impact = round(hits / total_requests, 4)
    ttl = int(ttl_s)
    return Finding(
        id=stable_id("edge", "cdn_cacheable_endpoint", traffic.method, traffic.template),
        skill=SKILL_NAME,
        kind="cdn_cacheable_endpoint",
        layer="edge",
        subject=f"{traffic.method} {traffic.template}",
        title=f"Cache GET {traffic.template} at the edge ({ratio:.0%} repeat within {ttl} s)",
        root_cause=(
            f"{traffic.requests} requests hit only {traffic.distinct_urls} distinct URLs, "
            f"{traffic.ok_share:.0%} "
            f"answered 200 with {traffic.mean_bytes:.0f} B on average, yet every one reached the origin."
        ),
        impact=impact,
        estimate=ImpactEstimate(
            metric=f"origin_requests:{traffic.template}",
            current=float(traffic.requests),
            expected=float(traffic.requests - hits),
            unit="requests",
            method=(
                f"replay of the log through a {ttl} s TTL cache keyed by the full URL: {hits} hits of "
                f"{traffic.requests}; {OFFLOAD_IMPACT_FORMULA}"
            ),
        ),
        priority=priority_from_impact(impact),
        complexity="quick_fix",
        remediation=Remediation(
            kind="config",
            title=f"Send Cache-Control for GET {traffic.template} and cache it at the CDN",
            content=(
                f"# Responses of GET {traffic.template} (status 200 only)\n"
                f"Cache-Control: public, max-age={ttl}, stale-while-revalidate={ttl}\n"
                "Vary: Accept-Encoding\n"
                "# CDN cache key: the full URL including the query string\n"
            ),
            rollback=f"Stop sending the header for {traffic.template} and purge its URLs from the CDN cache.",
            effort_days=0.5,
            risk="low",
        ),
        evidence=[traffic_ref(traffic, source, ratio)],
    )


def static_finding(
    static: list[EndpointTraffic], total_requests: int, source: str, min_requests: int
) -> Finding | None:
    """Static files the origin serves itself: long-lived immutable caching at the edge."""
    requests = sum(t.requests for t in static)
    if requests < min_requests:
        return None
    hits = sum(sum(simulate_hits(t.entries, STATIC_MAX_AGE_S)) for t in static)
    total_bytes = sum(t.total_bytes for t in static)
    extensions = sorted({extension_of(t.template) for t in static})
    impact = round(hits / total_requests, 4)
    busiest = max(static, key=lambda t: t.requests)
    return Finding(
        id=stable_id("edge", "static_assets_at_origin", *extensions),
        skill=SKILL_NAME,
        kind="static_assets_at_origin",
        layer="edge",
        subject=f"static assets ({', '.join(extensions)})",
        title=f"The origin serves {requests} static asset requests",
        root_cause=(
            f"{requests} requests for {', '.join(extensions)} files ({total_bytes / 1024:.0f} KiB) "
            "reached the "
            "origin; static files belong on a CDN with long-lived caching."
        ),
        impact=impact,
        estimate=ImpactEstimate(
            metric="origin_requests:static",
            current=float(requests),
            expected=float(requests - hits),
            unit="requests",
            method=(
                f"replay with a {STATIC_MAX_AGE_S} s TTL: only first requests per URL miss; "
                f"{OFFLOAD_IMPACT_FORMULA}"
            ),
        ),
        priority=priority_from_impact(impact),
        complexity="quick_fix",
        remediation=Remediation(
            kind="config",
            title="Serve static assets from the CDN with immutable caching",
            content=(
                f"# {', '.join(extensions)} with content-hashed names\n"
                f"Cache-Control: public, max-age={STATIC_MAX_AGE_S}, immutable\n"
                "# names without a content hash: Cache-Control: public, max-age=3600, must-revalidate\n"
            ),
            rollback="Stop sending the long-lived Cache-Control header and purge the assets from the CDN.",
            effort_days=0.5,
            risk="low",
        ),
        evidence=[traffic_ref(busiest, source)],
    )
