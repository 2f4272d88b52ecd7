"""edge-computing-architect: the skill's typed input, output and run function."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from perfpilot.artifacts import Finding
from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.evidence.models import AccessLogEntry
from perfpilot.skills.base import Skill, SkillContext, SkillInput, SkillOutput
from perfpilot.skills.edge_computing.app_cache import app_cache_finding, hot_endpoint
from perfpilot.skills.edge_computing.cdn import cacheable_finding, is_static, static_finding
from perfpilot.skills.edge_computing.compression import compression_finding
from perfpilot.skills.edge_computing.edge_data import MIN_CACHEABLE_BYTES, MIN_HIT_RATIO, MIN_REQUESTS
from perfpilot.skills.edge_computing.edge_evidence import SKILL_NAME
from perfpilot.skills.edge_computing.trace_breakdown import with_breakdown
from perfpilot.skills.edge_computing.trace_requests import requests_from_traces
from perfpilot.skills.edge_computing.traffic import group_traffic


class EdgeComputingInput(SkillInput):
    """Options for the edge and caching analysis (requests come from the evidence)."""

    cdn_ttl_s: float = Field(default=60, gt=0, description="Edge cache TTL the hit ratio is simulated with.")
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


def run(inp: EdgeComputingInput, ctx: SkillContext) -> EdgeComputingOutput:
    """Group requests by path template and look for edge, cache and compression opportunities."""
    entries, source = _requests(ctx.evidence)
    out = EdgeComputingOutput(requests_analysed=len(entries), request_source=source if entries else "")
    if not entries:
        out.notes.append("no access log entries or HTTP server spans in the evidence")
        return out
    traffic = group_traffic(entries)
    out.endpoints_analysed = len(traffic)
    total_ms = sum(t.total_ms for t in traffic)
    hot = hot_endpoint(traffic)
    if hot is not None:
        finding = app_cache_finding(
            hot[0], hot[1], total_ms, source, inp.app_cache_ttl_s, inp.min_requests, inp.min_hit_ratio
        )
        if finding is not None:
            if ctx.evidence.access_logs:
                finding = with_breakdown(finding, ctx.evidence.traces, hot[0].template)
            out.findings.append(finding)
            values = finding.evidence[0].values
            out.app_cache_hit_ratio = values.get("simulated_hit_ratio")
    cached_template = hot[0].template if hot is not None and out.findings else None
    edge: list[Finding] = []
    for one in traffic:
        if one.template == cached_template:
            continue
        found = cacheable_finding(
            one,
            len(entries),
            source,
            inp.cdn_ttl_s,
            inp.min_requests,
            inp.min_cacheable_bytes,
            inp.min_hit_ratio,
        )
        edge.extend([found] if found else [])
    static = static_finding([t for t in traffic if is_static(t)], len(entries), source, inp.min_requests)
    edge.extend([static] if static else [])
    out.findings.extend(edge)
    compressed = compression_finding(traffic, source, inp.min_requests)
    out.findings.extend([compressed] if compressed else [])
    out.offloaded_requests = sum(_hits(f) for f in edge)
    out.origin_offload_share = round(out.offloaded_requests / len(entries), 4)
    ctx.log.info("edge_analysis_done", findings=len(out.findings), requests=len(entries))
    return out


SKILL: Skill[EdgeComputingInput, EdgeComputingOutput] = Skill(
    name=SKILL_NAME,
    input_model=EdgeComputingInput,
    output_model=EdgeComputingOutput,
    run=run,
)
