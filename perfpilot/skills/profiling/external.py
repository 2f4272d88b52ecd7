"""External-dependency bottlenecks: per endpoint, the request time spent waiting on another service.

Scored like every bottleneck (impact = time_share * pressure): when the endpoint breaches its latency
SLO the share is of the endpoint's own request time, otherwise of all request time seen in the traces.
"""

from __future__ import annotations

from perfpilot.artifacts import Bottleneck, EvidenceRef, stable_id
from perfpilot.skills.dependency_analysis.calls import UNNAMED_PEER
from perfpilot.skills.profiling.attribution import LayerTimes

DEFAULT_PRESSURE = 0.5


def _request_time(layers: dict[str, float]) -> float:
    return sum(v for k, v in layers.items() if k != "requests")


def external_bottlenecks(times: LayerTimes, pressures: dict[str, float]) -> list[Bottleneck]:
    """One bottleneck per endpoint that calls other services, named after the peer it waits on most."""
    found = []
    for endpoint, layers in sorted(times.per_endpoint.items()):
        external = layers.get("external", 0.0)
        own = _request_time(layers)
        if external <= 0 or own <= 0 or times.total <= 0:
            continue
        press = pressures.get(endpoint, pressures.get("overall", DEFAULT_PRESSURE))
        endpoint_share = external / own
        share = endpoint_share if press >= 1.0 else external / times.total
        peers = times.peers.get(endpoint, {})
        peer = max(sorted(peers), key=lambda p: peers[p]) if peers else UNNAMED_PEER
        requests = layers.get("requests", 0.0)
        per_request_ms = external / requests * 1000 if requests else 0.0
        between_ms = layers.get("between_calls", 0.0) / requests * 1000 if requests else 0.0
        gap_note = f"; {between_ms:.0f} ms per request between calls no span attributes" if between_ms else ""
        found.append(
            Bottleneck(
                id=stable_id("bn", "external", endpoint, peer),
                layer="external",
                title=f"{endpoint} waits on {peer}: {endpoint_share:.0%} of its request time",
                subject=f"{peer} (called by {endpoint})",
                impact=round(min(1.0, share * press), 4),
                time_share=round(share, 4),
                metrics={
                    "external_share": round(endpoint_share, 4),
                    "external_ms_per_request": round(per_request_ms, 3),
                    "unattributed_between_calls_ms_per_request": round(between_ms, 3),
                    "pressure": round(press, 4),
                },
                evidence=[
                    EvidenceRef(
                        source=times.method,
                        excerpt=f"{int(requests)} traces of {endpoint}; calls to "
                        + ", ".join(f"{p} {s * 1000:.0f} ms" for p, s in sorted(peers.items()))
                        + gap_note,
                        values={
                            "traces": requests,
                            "external_s": round(external, 3),
                            "request_s": round(own, 3),
                        },
                    )
                ],
            )
        )
    return found
