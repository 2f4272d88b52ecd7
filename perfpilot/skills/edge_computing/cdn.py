"""Edge caching: repeated, successful, sizeable GET responses and static assets the origin still serves."""

from __future__ import annotations

from dataclasses import dataclass

from perfpilot.artifacts import Finding, ImpactEstimate, Remediation, stable_id
from perfpilot.artifacts.priority import priority_from_impact
from perfpilot.skills.edge_computing.cacheability import Cacheability
from perfpilot.skills.edge_computing.edge_data import (
    ALREADY_CACHED_SHARE,
    MIN_OK_SHARE,
    STATIC_EXTENSIONS,
    STATIC_MAX_AGE_S,
    TRACKING_PARAM_PREFIXES,
    TRACKING_PARAMS,
)
from perfpilot.skills.edge_computing.edge_evidence import SKILL_NAME, traffic_ref
from perfpilot.skills.edge_computing.freshness import TtlAdvice
from perfpilot.skills.edge_computing.nginx_config import CachedEndpoint, location_block
from perfpilot.skills.edge_computing.templates import extension_of
from perfpilot.skills.edge_computing.traffic import EndpointTraffic, simulate_hits

OFFLOAD_IMPACT_FORMULA = (
    "impact = simulated edge hits / all logged requests (the share of origin load removed)"
)


def is_static(traffic: EndpointTraffic) -> bool:
    return extension_of(traffic.template) in STATIC_EXTENSIONS


@dataclass(frozen=True)
class EdgePlan:
    """What the analysis decided for one endpoint: may a shared cache store it, for how long, and how
    many of its requests the bounded replay served from the cache."""

    cacheability: Cacheability
    advice: TtlAdvice
    ttl_s: int
    hits: int


def _query_facts(traffic: EndpointTraffic) -> str:
    queried = [e.path.split("?", 1)[1] for e in traffic.entries if "?" in e.path]
    if not queried:
        return ""
    names = {p.split("=", 1)[0].lower() for q in queried for p in q.split("&") if p}
    tracking = sorted(n for n in names if n.startswith(TRACKING_PARAM_PREFIXES) or n in TRACKING_PARAMS)
    text = (
        f" {len(queried)} of {traffic.requests} requests carry a query string "
        f"({len(set(queried))} distinct); the cache key includes it."
    )
    if tracking:
        text += f" Tracking parameters ({', '.join(tracking)}) split the key: drop them from it."
    return text


def _ttl_source(plan: EdgePlan) -> str:
    origin = plan.cacheability.origin_ttl_s
    if origin is not None and plan.ttl_s == int(origin) and plan.ttl_s != plan.advice.ttl_s:
        return " (the origin's own, which the observed changes do not contradict)"
    return ""


def _header_facts(facts: Cacheability, advice: TtlAdvice) -> str:
    if not facts.headers_logged:
        return (
            " The log carries no response headers, so cacheability rests on request facts (GET, 200, no "
            "user in the path): confirm the responses set no cookie and do not Vary by Cookie before "
            "caching them (log $sent_http_cache_control, $sent_http_set_cookie and $sent_http_vary to "
            "know)."
        )
    origin = (
        "sends no freshness lifetime"
        if facts.origin_ttl_s is None
        else f"grants {facts.origin_ttl_s:.0f} s of freshness"
    )
    validators = "with ETag/Last-Modified validators" if facts.validators else "without validators"
    text = f" The origin {origin}, {validators}."
    shortest = advice.shortest_version_s
    if facts.origin_ttl_s is not None and shortest is not None and shortest < facts.origin_ttl_s:
        text += (
            f" Its {facts.origin_ttl_s:.0f} s is longer than the shortest-lived version ({shortest:.0f} s): "
            "caches may serve stale data for that long; the TTL here follows the observed changes."
        )
    return text


def cacheable_finding(
    traffic: EndpointTraffic,
    plan: EdgePlan,
    total_requests: int,
    source: str,
    min_requests: int,
    min_bytes: float,
    min_hit_ratio: float,
) -> Finding | None:
    """A GET endpoint a shared cache may store whose responses repeat within the advised TTL in the
    bounded replay: cache it at the edge. `min_bytes` 0 waives the size bound (the dominant endpoint,
    where the origin's work, not the bytes, is the cost)."""
    if (
        traffic.method != "GET"
        or is_static(traffic)
        or traffic.requests < min_requests
        or traffic.ok_share < MIN_OK_SHARE
        or traffic.mean_bytes < min_bytes
        or not plan.cacheability.shared
        or traffic.cached_share >= ALREADY_CACHED_SHARE
    ):
        return None
    hits, ttl = plan.hits, plan.ttl_s
    ratio = hits / traffic.requests
    if ratio < min_hit_ratio:
        return None
    impact = round(hits / total_requests, 4)
    endpoint = CachedEndpoint(traffic.template, ttl, plan.cacheability.validators)
    swr = f", stale-while-revalidate={ttl}"
    ref = traffic_ref(traffic, source, ratio)
    ref.values.update({"advised_ttl_s": float(ttl), "version_changes": float(plan.advice.changes)})
    return Finding(
        id=stable_id("edge", "cdn_cacheable_endpoint", traffic.method, traffic.template),
        skill=SKILL_NAME,
        kind="cdn_cacheable_endpoint",
        layer="edge",
        subject=f"{traffic.method} {traffic.template}",
        title=f"Cache GET {traffic.template} at the edge ({ratio:.0%} served from cache at TTL {ttl} s)",
        root_cause=(
            f"{traffic.requests} requests hit only {traffic.distinct_urls} distinct URLs, "
            f"{traffic.ok_share:.0%} answered 200 with {traffic.mean_bytes:.0f} B on average, yet every "
            f"one reached the origin. TTL {ttl} s{_ttl_source(plan)}: {plan.advice.explain()}."
            + _header_facts(plan.cacheability, plan.advice)
            + _query_facts(traffic)
        ),
        impact=impact,
        estimate=ImpactEstimate(
            metric=f"origin_requests:{traffic.template}",
            current=float(traffic.requests),
            expected=float(traffic.requests - hits),
            unit="requests",
            method=(
                f"replay of the whole log through a bounded LRU cache (TTL {ttl} s for this endpoint) "
                f"keyed by method and full URL: {hits} hits of {traffic.requests}; {OFFLOAD_IMPACT_FORMULA}"
            ),
        ),
        priority=priority_from_impact(impact),
        complexity="quick_fix",
        remediation=Remediation(
            kind="config",
            title=f"Cache GET {traffic.template} for {ttl} s at the edge (Cache-Control or proxy_cache)",
            content=(
                f"# At the origin, responses of GET {traffic.template} (status 200 only):\n"
                f"Cache-Control: public, max-age={ttl}{swr}\n"
                + ("" if plan.cacheability.validators else "ETag: <hash of the body>  # cheap revalidation\n")
                + "# Or in nginx in front of it (server context; proxy_cache_path in http context):\n"
                + location_block(endpoint)
            ),
            rollback=(
                f"Stop sending the header (or remove the location) for {traffic.template} and purge its "
                "URLs from the cache."
            ),
            effort_days=0.5,
            risk="low",
        ),
        evidence=[ref],
    )


def static_finding(
    static: list[EndpointTraffic], total_requests: int, source: str, min_requests: int
) -> Finding | None:
    """Static files the origin serves itself: long-lived immutable caching at the edge."""
    static = [t for t in static if t.cached_share < ALREADY_CACHED_SHARE]
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
