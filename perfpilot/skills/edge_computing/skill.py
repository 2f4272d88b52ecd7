"""edge-computing-architect: the skill's typed input, output and run function."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from perfpilot.artifacts import Finding
from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.evidence.models import AccessLogEntry
from perfpilot.skills.base import Skill, SkillContext, SkillInput, SkillOutput
from perfpilot.skills.edge_computing.app_cache import app_cache_finding, hot_endpoint
from perfpilot.skills.edge_computing.cacheability import endpoint_cacheability
from perfpilot.skills.edge_computing.cdn import EdgePlan, cacheable_finding, is_static, static_finding
from perfpilot.skills.edge_computing.compression import compression_finding
from perfpilot.skills.edge_computing.edge_data import (
    CACHE_MAX_BYTES,
    CACHE_MAX_ENTRIES,
    MIN_CACHEABLE_BYTES,
    MIN_HIT_RATIO,
    MIN_REQUESTS,
    STATIC_MAX_AGE_S,
)
from perfpilot.skills.edge_computing.edge_evidence import SKILL_NAME
from perfpilot.skills.edge_computing.freshness import advise_ttl, chosen_ttl
from perfpilot.skills.edge_computing.nginx_config import CachedEndpoint, nginx_config
from perfpilot.skills.edge_computing.replay import ReplayResult, replay
from perfpilot.skills.edge_computing.trace_breakdown import with_breakdown
from perfpilot.skills.edge_computing.trace_requests import requests_from_traces
from perfpilot.skills.edge_computing.traffic import EndpointTraffic, group_traffic
from perfpilot.skills.edge_computing.upstream_connect import upstream_connect_finding


class EdgeComputingInput(SkillInput):
    """Options for the edge and caching analysis (requests come from the evidence)."""

    cdn_ttl_s: float | None = Field(
        default=None,
        gt=0,
        description="Edge TTL for every endpoint (default: advised per endpoint).",
    )
    app_cache_ttl_s: float = Field(
        default=60, gt=0, description="Application cache TTL for the hot endpoint."
    )
    min_requests: int = Field(default=MIN_REQUESTS, ge=1, description="Fewest requests per path template.")
    min_cacheable_bytes: float = Field(
        default=MIN_CACHEABLE_BYTES, ge=0, description="Smallest mean response."
    )
    min_hit_ratio: float = Field(
        default=MIN_HIT_RATIO, gt=0, le=1, description="Smallest simulated hit ratio."
    )


class EdgeComputingOutput(SkillOutput):
    """Findings plus the origin offload the edge findings add up to."""

    requests_analysed: int = 0
    endpoints_analysed: int = 0
    offloaded_requests: int = Field(default=0, description="Simulated edge hits (CDN and static findings).")
    origin_offload_share: float = Field(default=0.0, ge=0, le=1)
    app_cache_hit_ratio: float | None = None
    request_source: str = ""
    cache_hit_ratio: float | None = Field(
        default=None, description="Hits / requests of the whole log replayed through the bounded cache."
    )
    cache_evictions: int = 0
    headers_logged: bool = Field(default=False, description="Whether the log carried caching headers.")
    nginx_proxy_cache: str = Field(
        default="", description="nginx proxy_cache configuration for the endpoints found cacheable."
    )


def _requests(evidence: EvidenceBundle) -> tuple[list[AccessLogEntry], str]:
    if evidence.access_logs:
        paths = evidence.target.evidence.access_logs
        if len(paths) != 1:
            return evidence.access_logs, "access_logs"
        try:
            return evidence.access_logs, str(Path(paths[0]).relative_to(evidence.target.root))
        except ValueError:
            return evidence.access_logs, str(paths[0])
    return requests_from_traces(evidence.traces), "traces"


def _hits(finding: Finding) -> int:
    est = finding.estimate
    return int(est.current - est.expected) if est is not None else 0


def _plans(
    traffic: list[EndpointTraffic], entries: list[AccessLogEntry], inp: EdgeComputingInput
) -> tuple[dict[str, EdgePlan], ReplayResult]:
    """Cacheability and TTL per endpoint, then one replay of the whole log through the bounded cache."""
    facts = {t.key: (endpoint_cacheability(t.entries), advise_ttl(t.entries)) for t in traffic}
    ttls = {
        key: int(inp.cdn_ttl_s) if inp.cdn_ttl_s is not None else chosen_ttl(advice, cache.origin_ttl_s)
        for key, (cache, advice) in facts.items()
    }
    ttls.update({t.key: STATIC_MAX_AGE_S for t in traffic if is_static(t)})
    by_line = {e.line: t.key for t in traffic for e in t.entries}
    storable = {t.key for t in traffic if facts[t.key][0].shared}

    def ttl_for(entry: AccessLogEntry) -> float | None:
        key = by_line.get(entry.line)
        return float(ttls[key]) if key in storable else None

    result = replay(entries, ttl_for, CACHE_MAX_ENTRIES, CACHE_MAX_BYTES)
    plans = {
        t.key: EdgePlan(facts[t.key][0], facts[t.key][1], ttls[t.key], result.hit_count(t.entries))
        for t in traffic
    }
    return plans, result


def run(inp: EdgeComputingInput, ctx: SkillContext) -> EdgeComputingOutput:
    """Group requests by path template; cache at the edge what a shared cache may store and repeats
    (the dominant endpoint included), an application cache only for a dominant per-user endpoint."""
    entries, source = _requests(ctx.evidence)
    out = EdgeComputingOutput(requests_analysed=len(entries), request_source=source if entries else "")
    if not entries:
        out.notes.append("no access log entries or HTTP server spans in the evidence")
        return out
    traffic = group_traffic(entries)
    out.endpoints_analysed = len(traffic)
    plans, result = _plans(traffic, entries, inp)
    out.cache_evictions = result.evictions
    out.cache_hit_ratio = round(sum(result.hits.values()) / len(entries), 4)
    out.headers_logged = any(e.headers is not None for e in entries)
    if not out.headers_logged:
        out.notes.append(
            "the log carries no caching headers: cacheability is judged from request facts only "
            "(see SKILL.md for an nginx log_format that logs them)"
        )
    total_ms = sum(t.total_ms for t in traffic)
    hot = hot_endpoint(traffic)
    if hot is not None and not plans[hot[0].key].cacheability.shared:
        finding = app_cache_finding(
            hot[0], hot[1], total_ms, source, inp.app_cache_ttl_s, inp.min_requests, inp.min_hit_ratio
        )
        if finding is not None:
            if ctx.evidence.access_logs:
                finding = with_breakdown(finding, ctx.evidence.traces, hot[0].template)
            out.findings.append(finding)
            values = finding.evidence[0].values
            out.app_cache_hit_ratio = values.get("simulated_hit_ratio")
    edge: list[Finding] = []
    cached: list[CachedEndpoint] = []
    for one in traffic:
        dominant = hot is not None and one.key == hot[0].key
        found = cacheable_finding(
            one,
            plans[one.key],
            len(entries),
            source,
            inp.min_requests,
            0.0 if dominant else inp.min_cacheable_bytes,
            inp.min_hit_ratio,
        )
        if found is not None:
            edge.append(found)
            plan = plans[one.key]
            cached.append(CachedEndpoint(one.template, plan.ttl_s, plan.cacheability.validators))
    static = static_finding([t for t in traffic if is_static(t)], len(entries), source, inp.min_requests)
    edge.extend([static] if static else [])
    out.findings.extend(edge)
    compressed = compression_finding(traffic, source, inp.min_requests)
    out.findings.extend([compressed] if compressed else [])
    connecting = upstream_connect_finding(entries, traffic, source, inp.min_requests)
    out.findings.extend([connecting] if connecting else [])
    out.offloaded_requests = sum(_hits(f) for f in edge)
    out.origin_offload_share = round(out.offloaded_requests / len(entries), 4)
    out.nginx_proxy_cache = nginx_config(cached, CACHE_MAX_BYTES)
    ctx.log.info("edge_analysis_done", findings=len(out.findings), requests=len(entries))
    return out


SKILL: Skill[EdgeComputingInput, EdgeComputingOutput] = Skill(
    name=SKILL_NAME,
    input_model=EdgeComputingInput,
    output_model=EdgeComputingOutput,
    run=run,
)
