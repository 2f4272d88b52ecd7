"""Application cache for the hot endpoint: one GET template holding most of the request time, whose
responses repeat, gets a cache-aside layer; the hit ratio comes from replaying the log."""

from __future__ import annotations

from perfpilot.artifacts import Finding, ImpactEstimate, Remediation, stable_id
from perfpilot.artifacts.priority import priority_from_impact
from perfpilot.skills.edge_computing.edge_data import (
    ALREADY_CACHED_SHARE,
    CACHE_HIT_MS,
    DOMINANT_TIME_SHARE,
)
from perfpilot.skills.edge_computing.edge_evidence import SKILL_NAME, traffic_ref
from perfpilot.skills.edge_computing.traffic import EndpointTraffic, percentile, simulate_hits

APP_CACHE_IMPACT_FORMULA = (
    "impact = request time saved (hits x (observed ms - cache hit ms)) / all logged request time"
)


def hot_endpoint(traffic: list[EndpointTraffic]) -> tuple[EndpointTraffic, float] | None:
    """The GET template with the largest share of logged time, when that share dominates."""
    total = sum(t.total_ms for t in traffic)
    if total <= 0:
        return None
    top = max(traffic, key=lambda t: (t.total_ms, t.template))
    share = top.total_ms / total
    return (top, share) if top.method == "GET" and share >= DOMINANT_TIME_SHARE else None


def app_cache_finding(
    traffic: EndpointTraffic,
    share: float,
    total_ms: float,
    source: str,
    ttl_s: float,
    min_requests: int,
    min_hit_ratio: float,
) -> Finding | None:
    """Cache-aside with a TTL for the dominant template when its responses repeat."""
    if (
        traffic.requests < min_requests
        or not traffic.durations()
        or traffic.cached_share >= ALREADY_CACHED_SHARE
    ):
        return None
    hits = simulate_hits(traffic.entries, ttl_s)
    ratio = sum(hits) / traffic.requests
    if ratio < min_hit_ratio:
        return None
    observed = [e.duration_ms or 0.0 for e in traffic.entries]
    cached = [CACHE_HIT_MS if hit else ms for hit, ms in zip(hits, observed, strict=True)]
    saved = sum(
        ms - CACHE_HIT_MS for hit, ms in zip(hits, observed, strict=True) if hit and ms > CACHE_HIT_MS
    )
    impact = round(min(1.0, saved / total_ms), 4)
    before, after = percentile(observed, 0.95), percentile(cached, 0.95)
    ttl = int(ttl_s)
    return Finding(
        id=stable_id("edge", "app_cache_hot_endpoint", traffic.method, traffic.template),
        skill=SKILL_NAME,
        kind="app_cache_hot_endpoint",
        layer="cache",
        subject=f"{traffic.method} {traffic.template}",
        title=f"Cache-aside for GET {traffic.template} ({share:.0%} of request time, {ratio:.0%} repeats)",
        root_cause=(
            f"GET {traffic.template} takes {share:.0%} of all logged request time ({traffic.total_ms:.0f} "
            "ms over "
            f"{traffic.requests} requests) and {ratio:.0%} of its requests repeat a URL answered less than "
            f"{ttl} s before: the same result is computed again."
        ),
        impact=impact,
        estimate=ImpactEstimate(
            metric=f"p95_ms:{traffic.template}",
            current=round(before, 1),
            expected=round(after, 1),
            unit="ms",
            method=(
                f"replay of the log through a {ttl} s TTL cache keyed by URL ({sum(hits)} hits of "
                f"{traffic.requests}); hits take CACHE_HIT_MS {CACHE_HIT_MS} ms, misses their logged time; "
                f"nearest-rank p95; mean {sum(observed) / len(observed):.1f} ms -> "
                f"{sum(cached) / len(cached):.1f} ms; {APP_CACHE_IMPACT_FORMULA}"
            ),
        ),
        priority=priority_from_impact(impact),
        complexity="complex",
        remediation=Remediation(
            kind="patch",
            title=f"Add a cache-aside layer (TTL {ttl} s) to GET {traffic.template}",
            content=(
                f"# cache-aside for GET {traffic.template}, TTL {ttl} s (Redis, Memcached or in-process "
                "LRU)\n"
                'key = f"{request.method}:{request.url.path}?{request.url.query}"\n'
                "body = cache.get(key)\n"
                "if body is None:\n"
                "    body = render(request)          # the handler's current code path\n"
                f"    cache.set(key, body, ttl={ttl})\n"
                "return body\n"
                f"# on writes to the data behind {traffic.template}: cache.delete(key) for the affected "
                "URLs\n"
            ),
            rollback=f"Remove the cache-aside wrapper from GET {traffic.template} (or set its TTL to 0) and "
            "flush its keys.",
            effort_days=2.0,
            risk="medium",
        ),
        evidence=[traffic_ref(traffic, source, ratio)],
    )
