"""What each planned finding does to latency: a database cut, a CPU utilisation change, cache hits, or
waiting removed from the request (a mean request time before and after, or a wait on other services
per request before and after)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from perfpilot.artifacts import Finding
from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.skills.edge_computing.edge_data import CACHE_HIT_MS
from perfpilot.skills.validation.layer_split import LayerSplit
from perfpilot.skills.validation.queueing import latency_factor
from perfpilot.skills.validation.statement_ties import endpoints_running

EDGE_HIT_MS = 20.0
"""Latency of a CDN edge hit as the origin's logs would have timed it: a nearby point of presence answers
in roughly 10-30 ms (time to first byte); planning figure, the upper middle of that range."""

DATABASE_TIME_METRICS = frozenset({"workload_time_s", "workload_plan_cost"})
DATABASE_ROLES = frozenset({"db", "database", "postgres", "postgresql", "mysql", "rds"})


@dataclass(frozen=True)
class DatabaseCut:
    """A share of database time removed, on the named endpoints (empty: every endpoint)."""

    finding_id: str
    endpoints: tuple[str, ...]
    share: float
    basis: str
    workload_share: float = 0.0
    """The share of all database time it removes (saved s / workload total s; 0 when unknown): what it
    takes off the database's CPU work."""


@dataclass(frozen=True)
class Relief:
    """A CPU utilisation change on a fleet, and the factor it puts on one layer's time."""

    finding_id: str
    layer: str
    rho_before: float
    rho_after: float
    servers: int
    factor: float
    work_left: float = 1.0
    """The share of the layer's CPU work the other planned changes leave (1: none removed)."""
    own_factor: float | None = None
    """The change's own factor once the other planned changes have landed (None: they remove nothing)."""

    def after_other_changes(self, work_left: float) -> Relief:
        """The same change on a layer whose CPU work the other planned changes cut to `work_left` of what
        it was: utilisation scales with the work (rho_before * work_left before this change, rho_after *
        work_left after), and the factor runs from today's utilisation to the one after everything."""
        if work_left >= 1.0:
            return self
        fixed, both = self.rho_before * work_left, self.rho_after * work_left
        return replace(
            self,
            factor=latency_factor(self.rho_before, both, self.servers),
            work_left=work_left,
            own_factor=latency_factor(fixed, both, self.servers),
        )


@dataclass(frozen=True)
class CacheHits:
    """A share of an endpoint's requests answered from a cache at `hit_ms` instead of computed."""

    finding_id: str
    endpoints: tuple[str, ...]
    hit_ratio: float
    hit_ms: float


@dataclass(frozen=True)
class RequestTimeCut:
    """A mean request time before and after on the named endpoints (empty: every endpoint): the factor
    after / before scales the endpoint's latency (e.g. the wait for a pool connection removed)."""

    finding_id: str
    endpoints: tuple[str, ...]
    factor: float


def tied_endpoints(finding: Finding, names: list[str]) -> tuple[str, ...]:
    """Endpoints the finding names: its subject ('GET /x: shape ..', 'GET /x'), the endpoint list in its
    metric ('p95_ms:/x', 'origin_requests:/x,/y'), its evidence excerpts ('GET /x: 250 requests ..'), or
    the file extensions its subject lists ('static assets (.css, .js)': every endpoint ending in one)."""
    texts = {finding.subject.strip(), finding.subject.split(":")[0].strip()}
    texts.update(t.strip() for t in finding.subject.split(","))
    if finding.estimate is not None and ":" in finding.estimate.metric:
        texts.update(t.strip() for t in finding.estimate.metric.split(":", 1)[1].split(","))
    texts.update(ref.excerpt.split(":")[0].strip() for ref in finding.evidence if ref.excerpt)
    extensions = (
        tuple(re.findall(r"(\.[a-z0-9]+)\b", finding.subject.lower()))
        if finding.layer == "edge" and "(" in finding.subject
        else ()
    )

    def named(name: str) -> bool:
        path = name.split(" ", 1)[-1]
        return name in texts or path in texts or bool(extensions and path.lower().endswith(extensions))

    return tuple(n for n in sorted(names) if named(n))


def database_cut(
    finding: Finding,
    split: LayerSplit,
    workload_total_s: float,
    names: list[str],
    by_statement: dict[str, frozenset[str]] | None = None,
) -> DatabaseCut | None:
    """The share of database time a database-time estimate removes on the endpoints it concerns.

    The endpoints it concerns: those its subject, metric or evidence names, else those whose traced
    database spans ran the statement its evidence quotes (none: every endpoint). Saved seconds =
    estimate current - expected. Tied and measured in traces (the split too): saved / those endpoints'
    traced database seconds. Otherwise, with a workload: saved / workload total, the share of all
    database time, concentrated on the tied endpoints (converted with the split's database seconds).
    With neither, the finding's impact (share of the bottleneck). Database-time estimates count
    whatever the layer (a query-result cache saves database time); other database findings (storage,
    statistics) have no latency effect modelled."""
    est = finding.estimate
    if est is None or est.metric not in DATABASE_TIME_METRICS:
        return None
    tied = tied_endpoints(finding, names) or endpoints_running(finding, by_statement or {}, names)
    if est.metric == "workload_plan_cost":  # the advisor's impact is its share of the workload's cost
        impact = finding.impact
        return DatabaseCut(finding.id, tied, impact, "share of the workload's plan cost", impact)
    saved = max(0.0, est.current - est.expected)
    tied_db = sum(split.endpoints[n].database_s for n in tied if n in split.endpoints)
    from_traces = any("trace" in ref.source for ref in finding.evidence)
    overall = min(1.0, saved / workload_total_s) if workload_total_s > 0 else 0.0
    if tied and tied_db > 0 and split.method == "traces" and from_traces:
        return DatabaseCut(
            finding.id, tied, min(1.0, saved / tied_db), "saved s / endpoint's traced db s", overall
        )
    if workload_total_s > 0:
        if tied and tied_db > 0:
            return DatabaseCut(
                finding.id,
                tied,
                min(1.0, overall * split.database_s / tied_db),
                "workload share on endpoint",
                overall,
            )
        return DatabaseCut(finding.id, (), overall, "saved s / workload total s", overall)
    return DatabaseCut(finding.id, tied, finding.impact, "finding impact")


def relief(finding: Finding, evidence: EvidenceBundle) -> Relief | None:
    """A 'cpu_util_p95:<instance>' estimate: the M/M/c factor on the layer the instance serves."""
    est = finding.estimate
    if est is None or not est.metric.startswith("cpu_util_p95:"):
        return None
    name = est.metric.split(":", 1)[1]
    instance = next((i for i in evidence.instances if i.name == name), None)
    servers = max(1, round(instance.vcpu)) if instance is not None else 1
    words = set(re.split(r"[^a-z]+", f"{instance.role} {name}".lower() if instance else name.lower()))
    layer = "database" if words & DATABASE_ROLES else "application"
    factor = latency_factor(est.current, est.expected, servers)
    return Relief(finding.id, layer, est.current, est.expected, servers, factor)


def cache_hits(finding: Finding, names: list[str]) -> CacheHits | None:
    """Edge caching ('origin_requests:*': hit ratio 1 - expected / current, edge hit cost) or an app cache
    (the replay's simulated hit ratio, CACHE_HIT_MS per hit), on the endpoints the finding names."""
    est = finding.estimate
    if est is None:
        return None
    tied = tied_endpoints(finding, names)
    if not tied:
        return None
    if finding.layer == "edge" and est.metric.startswith("origin_requests:") and est.current > 0:
        ratio = max(0.0, min(1.0, 1 - est.expected / est.current))
        return CacheHits(finding.id, tied, ratio, EDGE_HIT_MS)
    if finding.layer == "cache":
        ratios = [
            r.values["simulated_hit_ratio"] for r in finding.evidence if "simulated_hit_ratio" in r.values
        ]
        if ratios:
            return CacheHits(finding.id, tied, max(0.0, min(1.0, ratios[0])), CACHE_HIT_MS)
    return None


def request_time_cut(finding: Finding, names: list[str]) -> RequestTimeCut | None:
    """A 'request_time_ms[:<endpoints>]' estimate: factor expected / current on the endpoints it names."""
    est = finding.estimate
    if est is None or est.metric.split(":", 1)[0] != "request_time_ms" or est.current <= 0:
        return None
    tied = tied_endpoints(finding, names) if ":" in est.metric else ()
    return RequestTimeCut(finding.id, tied, max(0.0, min(1.0, est.expected / est.current)))


EXTERNAL_WAIT = "external_ms_per_request"


def external_wait_cut(finding: Finding, split: LayerSplit, names: list[str]) -> RequestTimeCut | None:
    """An 'external_ms_per_request:<endpoint>' estimate (time per request spent on calls to other
    services, before and after): on the endpoint it names, the saved milliseconds over the endpoint's
    mean traced request time give the factor 1 - saved / mean. Needs the traces' per-endpoint request
    times; without them nothing is modelled."""
    est = finding.estimate
    if est is None or est.metric.split(":", 1)[0] != EXTERNAL_WAIT or ":" not in est.metric:
        return None
    saved = max(0.0, est.current - est.expected)
    tied = tied_endpoints(finding, names)
    means = [split.endpoints[n].mean_request_ms for n in tied if n in split.endpoints]
    if split.method != "traces" or len(means) != 1 or means[0] <= 0:
        return None
    return RequestTimeCut(finding.id, tied, max(0.0, min(1.0, 1 - saved / means[0])))
