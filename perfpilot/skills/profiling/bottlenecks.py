"""Build the bottleneck inventory: one bottleneck per pressed layer, scored by the documented formula.

A latency breach presses the layers that carry it: a layer whose time alone is over the target, or
whose removal alone would bring the p95 back under it (its time covers the excess), or every layer when
no single one can. A layer that does neither is measured against the target by its own time (pressure
below 1): its share of a slow request is not what makes it slow."""

from __future__ import annotations

from perfpilot.artifacts import Baseline, Bottleneck, EvidenceRef, stable_id
from perfpilot.artifacts.bottlenecks import pressure
from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.figures import share as percent
from perfpilot.skills.profiling.attribution import LayerTimes

CPU_SATURATION = 0.85
NOT_LAYERS = frozenset({"requests", "between_calls"})


def _worst(pressures: dict[str, float], endpoints: list[str] | None = None) -> float:
    keys = [k for k in (endpoints or []) if k in pressures] or list(pressures)
    return max((pressures[k] for k in keys), default=0.5)


def _layer_pressure(layers: dict[str, float], layer: str, breach: tuple[float, float] | None) -> float:
    """1 when the layer carries the endpoint's latency breach (see the module doc), else its own time at
    the p95 against the target. No latency breach known (an error-rate breach): 1."""
    if breach is None:
        return 1.0
    p95, target = breach
    request = sum(v for k, v in layers.items() if k != "requests")
    if request <= 0:
        return 1.0
    # time between external calls that no span attributes is part of the request, but no layer's
    at_p95 = {k: p95 * v / request for k, v in layers.items() if k not in NOT_LAYERS and v > 0}
    excess = p95 - target
    own = at_p95.get(layer, 0.0)
    if own > target or own >= excess or not any(ms >= excess for ms in at_p95.values()):
        return 1.0
    return pressure(own, target)


def _pressed_share(
    times: LayerTimes,
    layer: str,
    pressures: dict[str, float],
    breaches: dict[str, tuple[float, float]] | None = None,
) -> tuple[float, float, list[str]]:
    """(time share, pressure, endpoints) for a layer, focused on the endpoints under the most pressure:
    the breached endpoints whose breach the layer carries (pressure 1, its share of their time), else all
    breached endpoints with the layer's own pressure on each, weighted by its time there."""
    pressed = [ep for ep in times.per_endpoint if pressures.get(ep, 0) >= 1.0]
    if pressed:
        own = {ep: _layer_pressure(times.per_endpoint[ep], layer, (breaches or {}).get(ep)) for ep in pressed}
        carried = [ep for ep in pressed if own[ep] >= 1.0]
        focus = carried or pressed
        total = sum(sum(v for k, v in times.per_endpoint[ep].items() if k != "requests") for ep in focus)
        parts = {ep: times.per_endpoint[ep].get(layer, 0.0) for ep in focus}
        part = sum(parts.values())
        press = sum(parts[ep] * own[ep] for ep in focus) / part if part else 1.0
        return (part / total if total else 0.0), press, carried
    return times.shares().get(layer, 0.0), _worst(pressures), []


def database_bottleneck(
    evidence: EvidenceBundle,
    times: LayerTimes,
    pressures: dict[str, float],
    breaches: dict[str, tuple[float, float]] | None = None,
) -> Bottleneck | None:
    share, press, endpoints = _pressed_share(times, "database", pressures, breaches)
    if share <= 0:
        return None
    shapes = sorted((q for d in evidence.workloads for q in d.queries), key=lambda q: -q.total_time_s)[:3]
    subject = shapes[0].fingerprint[:160] if shapes else "database calls"
    evidence_refs = [
        EvidenceRef(
            source=d.source,
            excerpt=q.fingerprint[:300],
            values={"count": q.count, "total_time_s": round(q.total_time_s, 3), "share": round(q.share, 3)},
        )
        for d in evidence.workloads
        for q in d.queries[:3]
    ]
    evidence_refs.append(EvidenceRef(source=times.method, values={"database_share": round(share, 3)}))
    return Bottleneck(
        id=stable_id("bn", "database", subject),
        layer="database",
        title=f"Database time is {percent(share)} of request time"
        + (f" on {', '.join(endpoints)}" if endpoints else ""),
        subject=subject,
        impact=round(min(1.0, share * press), 4),
        time_share=round(share, 4),
        metrics={"database_share": round(share, 4), "pressure": round(press, 4)},
        evidence=evidence_refs,
    )


def application_bottleneck(
    times: LayerTimes, pressures: dict[str, float], breaches: dict[str, tuple[float, float]] | None = None
) -> Bottleneck | None:
    share, press, endpoints = _pressed_share(times, "application", pressures, breaches)
    if share <= 0:
        return None
    subject = ", ".join(endpoints) or "application code"
    return Bottleneck(
        id=stable_id("bn", "application", subject),
        layer="application",
        title=f"Application time (outside the database) is {percent(share)} of request time",
        subject=subject,
        impact=round(min(1.0, share * press), 4),
        time_share=round(share, 4),
        metrics={"application_share": round(share, 4), "pressure": round(press, 4)},
        evidence=[EvidenceRef(source=times.method, values={"application_share": round(share, 3)})],
    )


def edge_bottleneck(
    times: LayerTimes, pressures: dict[str, float], breaches: dict[str, tuple[float, float]] | None = None
) -> Bottleneck | None:
    """Time at the reverse proxy (upstream_split.py): connecting to the upstream, reading and writing."""
    share, press, endpoints = _pressed_share(times, "edge", pressures, breaches)
    if share <= 0:
        return None
    subject = ", ".join(endpoints) or "reverse proxy"
    return Bottleneck(
        id=stable_id("bn", "edge", subject),
        layer="edge",
        title="Time at the reverse proxy (connecting to the upstream, reading and writing) is "
        f"{percent(share)} of request time",
        subject=subject,
        impact=round(min(1.0, share * press), 4),
        time_share=round(share, 4),
        metrics={"edge_share": round(share, 4), "pressure": round(press, 4)},
        evidence=[EvidenceRef(source=times.method, values={"edge_share": round(share, 3)})],
    )


def infrastructure_bottlenecks(evidence: EvidenceBundle, pressures: dict[str, float]) -> list[Bottleneck]:
    found = []
    for inst in evidence.instances:
        cpu = inst.cpu_util_p95 or inst.cpu_util_avg
        if cpu is None or cpu < CPU_SATURATION:
            continue
        share = min(1.0, (cpu - 0.7) / 0.3)
        press = _worst(pressures)
        found.append(
            Bottleneck(
                id=stable_id("bn", "infrastructure", inst.name),
                layer="infrastructure",
                title=f"{inst.name} ({inst.instance_type}) runs at {cpu:.0%} CPU (p95)",
                subject=inst.name,
                impact=round(min(1.0, share * press), 4),
                time_share=round(share, 4),
                metrics={"cpu_p95": cpu, "pressure": round(press, 4)},
                evidence=[
                    EvidenceRef(source="infrastructure.inventory", excerpt=inst.name, values={"cpu_p95": cpu})
                ],
            )
        )
    return found


def layer_shares(times: LayerTimes | None) -> dict[str, float]:
    return {k: round(v, 4) for k, v in (times.shares() if times else {}).items()}


def with_layer_shares(baseline: Baseline, times: LayerTimes | None) -> Baseline:
    return baseline.model_copy(update={"layer_time_share": layer_shares(times)})
