"""Shared vocabulary of the edge findings: the skill name and evidence references."""

from __future__ import annotations

from perfpilot.artifacts import EvidenceRef
from perfpilot.skills.edge_computing.traffic import EndpointTraffic

SKILL_NAME = "edge-computing-architect"


def traffic_ref(traffic: EndpointTraffic, source: str, hit_ratio: float | None = None) -> EvidenceRef:
    """Cite a template's traffic: requests, distinct URLs, status, bytes and time."""
    values = {
        "requests": float(traffic.requests),
        "distinct_urls": float(traffic.distinct_urls),
        "ok_share": round(traffic.ok_share, 4),
        "mean_bytes": round(traffic.mean_bytes, 1),
        "total_ms": round(traffic.total_ms, 1),
    }
    if hit_ratio is not None:
        values["simulated_hit_ratio"] = round(hit_ratio, 4)
    excerpt = (
        f"{traffic.method} {traffic.template}: {traffic.requests} requests, {traffic.distinct_urls} distinct "
        f"URLs, {traffic.ok_share:.0%} 200, mean {traffic.mean_bytes:.0f} B, {traffic.total_ms:.0f} ms in "
        "total"
    )
    return EvidenceRef(source=source, line=traffic.entries[0].line, excerpt=excerpt, values=values)
