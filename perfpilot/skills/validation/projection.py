"""Project after-figures from the plan's findings when nothing was measured after the change.

The model, per endpoint e with latency percentile v (p50 .. p99, max):

1. Layers. e's database share d_e comes from the evidence that splits it per endpoint: trace spans
   (database spans vs the rest), else per-route metric sums (db_query_duration_seconds_sum over
   http_request_duration_seconds_sum of the route); else the baseline's overall layer_time_share.
2. Database. Each planned database finding removes a share of database time (effects.database_cut:
   saved seconds = estimate current - expected, over the endpoint's traced database seconds, or over
   the workload total; concentrated on the endpoints its subject or evidence names, else spread over
   all; an index finding's statement is tied to the endpoints whose trace spans ran it).
   r_e = min(MAX_REDUCTION, sum of the shares on e): fixes to different queries add up, and some
   database time always remains.
3. CPU. A planned 'cpu_util_p95:<instance>' change from rho_b to rho_a multiplies the time of the layer
   that instance serves by the M/M/c response-time ratio q (queueing.py; c = the instance's vCPUs). The
   time e waits on other services (x_e, its traced external share: the calls and the peer still answering)
   is the peers' and keeps its length; the unattributed time between those calls (client work, scheduling
   waits) runs in this service and is application time here.
4. Waiting removed. A planned 'request_time_ms' estimate (mean request time before and after, e.g. a
   pool wait removed) gives w_e = after / before on the endpoints it names (1 elsewhere); a planned
   'external_ms_per_request:<e>' estimate (time per request spent on calls to other services, e.g.
   sequential calls batched) gives w_e = 1 - (before - after) / e's mean traced request time.
5. Core factor g_e = (d_e (1 - r_e) q_db + (1 - d_e - x_e) q_app + x_e) w_e; v' = g_e v.
6. Caches. A planned cache with hit ratio h answers h of e's requests at a hit cost H (CDN edge hit
   EDGE_HIT_MS, application cache CACHE_HIT_MS) instead of computing them: v'' = (1 - h) v' + h min(H, v').
Tail percentiles use the same factors (the shape of each part's distribution is assumed unchanged).
Overall percentiles: the recorded overall value times the ratio of the request-weighted mixture of the
projected endpoint distributions to the mixture of the recorded ones (mixture.py), so the overall tail
follows the endpoints that hold it. Without endpoints, the overall figures take the factors of the
effects that apply to every endpoint. Error rates and throughput (the offered load) are unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from perfpilot.artifacts import Baseline, EndpointStats, Finding, ImplementationPlan, LatencyPercentiles
from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.skills.cost_optimization.pricing import CONSTRAINED_P95
from perfpilot.skills.validation.effects import (
    CacheHits,
    DatabaseCut,
    Relief,
    RequestTimeCut,
    cache_hits,
    database_cut,
    external_wait_cut,
    relief,
    request_time_cut,
)
from perfpilot.skills.validation.layer_split import LayerSplit, endpoint_layers
from perfpilot.skills.validation.mixture import mixture_quantile
from perfpilot.skills.validation.statement_ties import statement_endpoints

MAX_REDUCTION = 0.95
PERCENTILES = ("p50_ms", "p90_ms", "p95_ms", "p99_ms", "max_ms")
QUANTILE = {"p50_ms": 0.5, "p90_ms": 0.9, "p95_ms": 0.95, "p99_ms": 0.99}


@dataclass
class Effects:
    """The planned findings' effects on latency."""

    cuts: list[DatabaseCut] = field(default_factory=list)
    reliefs: list[Relief] = field(default_factory=list)
    caches: list[CacheHits] = field(default_factory=list)
    waits: list[RequestTimeCut] = field(default_factory=list)
    unmodelled: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Projection:
    """The projected 'after' baseline and how it was made."""

    after: Baseline
    notes: list[str]


def collect_effects(
    chosen: list[Finding],
    evidence: EvidenceBundle,
    split: LayerSplit,
    workload_total_s: float,
    names: list[str],
) -> Effects:
    effects = Effects()
    by_statement = statement_endpoints(evidence.traces)
    for finding in chosen:
        if (cut := database_cut(finding, split, workload_total_s, names, by_statement)) is not None:
            effects.cuts.append(cut)
        elif (eased := relief(finding, evidence)) is not None:
            effects.reliefs.append(eased)
        elif (cached := cache_hits(finding, names)) is not None:
            effects.caches.append(cached)
        elif (
            waited := request_time_cut(finding, names) or external_wait_cut(finding, split, names)
        ) is not None:
            effects.waits.append(waited)
        else:
            effects.unmodelled.append(f"{finding.id} ({finding.kind})")
    left = database_work_left(effects)
    effects.reliefs = [r.after_other_changes(left) if r.layer == "database" else r for r in effects.reliefs]
    return effects


def database_work_left(effects: Effects) -> float:
    """The share of the database's work the planned database changes leave: 1 - their shares of all
    database time (capped like a cut), the CPU work taken as proportional to the query time removed."""
    return 1.0 - min(MAX_REDUCTION, sum(c.workload_share for c in effects.cuts))


def _applies(endpoints: tuple[str, ...], name: str | None) -> bool:
    return not endpoints or name in endpoints


def core_factor(
    database_share: float, effects: Effects, name: str | None, external_share: float = 0.0
) -> float:
    """g = d (1 - r) q_db + (1 - d - x) q_app + x for the endpoint `name` (None: effects on every
    endpoint); x, the time spent waiting on other services, is not this service's to speed up."""
    cut = min(MAX_REDUCTION, sum(c.share for c in effects.cuts if _applies(c.endpoints, name)))
    q_db, q_app = 1.0, 1.0
    for r in effects.reliefs:
        if r.layer == "database":
            q_db *= r.factor
        else:
            q_app *= r.factor
    waits = 1.0
    for w in effects.waits:
        waits *= w.factor if _applies(w.endpoints, name) else 1.0
    own = max(0.0, 1 - database_share - external_share)
    return (database_share * (1 - cut) * q_db + own * q_app + (1 - database_share - own)) * waits


def project_value(value: float | None, factor: float, caches: list[CacheHits]) -> float | None:
    if value is None:
        return None
    projected = value * factor
    for cache in caches:
        projected = (1 - cache.hit_ratio) * projected + cache.hit_ratio * min(cache.hit_ms, projected)
    return round(projected, 3)


def _projected_latency(lat: LatencyPercentiles, factor: float, caches: list[CacheHits]) -> LatencyPercentiles:
    return LatencyPercentiles(**{p: project_value(getattr(lat, p), factor, caches) for p in PERCENTILES})


def _shares(before: Baseline, split: LayerSplit, name: str) -> tuple[float, float]:
    """(database share, external share) of the endpoint's time: its traced or metered split, else the
    baseline's overall layer shares."""
    layers = split.endpoints.get(name)
    if layers is not None and layers.total_s > 0:
        return layers.database_share, layers.external_share
    shares = before.layer_time_share
    return shares.get("database", 0.0), shares.get("external", 0.0)


def _overall(before: Baseline, endpoints: list[EndpointStats], effects: Effects) -> EndpointStats:
    lat = before.overall.latency
    parts_before = [(e.requests, e.latency) for e in before.endpoints]
    parts_after = [(e.requests, e.latency) for e in endpoints]
    if not any(n > 0 for n, _ in parts_before):
        shared = [c for c in effects.caches if not c.endpoints]
        shares = before.layer_time_share
        factor = core_factor(shares.get("database", 0.0), effects, None, shares.get("external", 0.0))
        return before.overall.model_copy(update={"latency": _projected_latency(lat, factor, shared)})
    values: dict[str, float | None] = {}
    for p in PERCENTILES:
        value = getattr(lat, p)
        q = QUANTILE.get(p)
        if value is None:
            values[p] = None
        elif q is None:
            maxima = [e.latency.max_ms for e in endpoints if e.latency.max_ms is not None]
            values[p] = round(max(maxima), 3) if maxima else value
        else:
            mix_before, mix_after = mixture_quantile(parts_before, q), mixture_quantile(parts_after, q)
            ratio = mix_after / mix_before if mix_before and mix_after is not None else 1.0
            values[p] = round(value * ratio, 3)
    return before.overall.model_copy(update={"latency": LatencyPercentiles(**values)})


def capacity_reliefs(findings: list[Finding], evidence: EvidenceBundle) -> list[Relief]:
    """The planned CPU capacity changes, each judged at the utilisation the other planned changes leave
    (which does not depend on the endpoints they concern)."""
    workload_total_s = sum(d.total_time_s for d in evidence.workloads)
    effects = collect_effects(findings, evidence, endpoint_layers(evidence), workload_total_s, [])
    return effects.reliefs


def remeasure_first(r: Relief) -> bool:
    """The other planned changes alone bring the instance under the bound that made it constrained."""
    return r.own_factor is not None and r.rho_before * r.work_left <= CONSTRAINED_P95


def _relief_note(r: Relief) -> str:
    if r.own_factor is None:
        return (
            f"{r.finding_id}: CPU p95 {r.rho_before:.0%} -> {r.rho_after:.0%} on {r.servers} vCPU; M/M/c "
            f"response-time ratio {r.factor:.3f} on {r.layer} time."
        )
    fixed, both = r.rho_before * r.work_left, r.rho_after * r.work_left
    note = (
        f"{r.finding_id}: CPU p95 {r.rho_before:.0%} -> {fixed:.0%} once the planned {r.layer} changes "
        f"remove {1 - r.work_left:.0%} of {r.layer} time (CPU work taken as proportional to it), -> "
        f"{both:.0%} with this change too, on {r.servers} vCPU; M/M/c response-time ratio {r.factor:.3f} "
        f"on {r.layer} time, x{r.own_factor:.3f} of it from this change once the others have landed."
    )
    if remeasure_first(r):
        note += (
            f" At {fixed:.0%} the instance is no longer constrained (the finding's bound is "
            f"{CONSTRAINED_P95:.0%}): re-measure its CPU after the other changes before paying for this one."
        )
    return note


def _notes(split: LayerSplit, effects: Effects) -> list[str]:
    notes = [
        "Projected, not measured: the after-figures are estimates from the findings' quantified effects "
        "(see perfpilot/skills/validation/projection.py); run with a live service to measure.",
        "Database share per endpoint from "
        + (
            {"traces": "trace spans", "metrics": "per-route metric sums"}.get(split.method)
            or "overall shares"
        )
        + f"; latency = d (1 - r) + (1 - d) per endpoint, database cut r capped at {MAX_REDUCTION:.0%}.",
    ]
    for c in effects.cuts:
        where = ", ".join(c.endpoints) or "every endpoint"
        notes.append(f"{c.finding_id}: removes {c.share:.1%} of database time on {where} ({c.basis}).")
    for r in effects.reliefs:
        notes.append(_relief_note(r))
    for w in effects.waits:
        where = ", ".join(w.endpoints) or "every endpoint"
        notes.append(f"{w.finding_id}: mean request time x {w.factor:.3f} on {where} (waiting removed).")
    for h in effects.caches:
        notes.append(
            f"{h.finding_id}: {h.hit_ratio:.1%} of requests to {', '.join(h.endpoints)} served at "
            f"{h.hit_ms:g} ms: v' = (1 - h) v + h min(hit, v)."
        )
    if effects.unmodelled:
        notes.append("No latency effect modelled for: " + ", ".join(effects.unmodelled) + ".")
    notes.append("Overall percentiles follow the request-weighted mixture of the projected endpoints.")
    return notes


def project(
    before: Baseline,
    findings: list[Finding],
    plan: ImplementationPlan | None,
    evidence: EvidenceBundle,
    workload_total_s: float,
) -> Projection:
    """The after-baseline the planned changes are expected to give, with notes on how it was made."""
    planned = {c.finding_id for c in plan.changes} if plan is not None else {f.id for f in findings}
    chosen = [f for f in findings if f.id in planned]
    split = endpoint_layers(evidence)
    names = [e.name for e in before.endpoints]
    effects = collect_effects(chosen, evidence, split, workload_total_s, names)
    endpoints = []
    for stats in before.endpoints:
        database_share, external_share = _shares(before, split, stats.name)
        factor = core_factor(database_share, effects, stats.name, external_share)
        caches = [c for c in effects.caches if stats.name in c.endpoints]
        endpoints.append(
            stats.model_copy(update={"latency": _projected_latency(stats.latency, factor, caches)})
        )
    after = before.model_copy(
        update={
            "overall": _overall(before, endpoints, effects),
            "endpoints": endpoints,
            "sources": [*before.sources, "projected"],
        }
    )
    return Projection(after=after, notes=_notes(split, effects))
