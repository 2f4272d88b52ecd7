"""Where the hot endpoint's time goes, from traces: the share of its server time spent in database spans."""

from __future__ import annotations

from dataclasses import dataclass

from perfpilot.artifacts import EvidenceRef, Finding
from perfpilot.evidence.models import Trace
from perfpilot.skills.edge_computing.templates import template_of


@dataclass(frozen=True)
class TimeBreakdown:
    """Traces of one template: how many, their total server time and the database part of it."""

    traces: int
    server_ms: float
    database_ms: float

    @property
    def database_share(self) -> float:
        return min(1.0, self.database_ms / self.server_ms) if self.server_ms > 0 else 0.0


def _route_template(route: str) -> str:
    """/customers/{customer_id}/orders or /customers/:id/orders -> /customers/{id}/orders."""
    segments = ["{id}" if s[:1] in ("{", ":", "<") else s for s in route.split("/")]
    return template_of("/".join(segments))


def _route(trace: Trace) -> str | None:
    attrs = trace.root.attributes
    if "http.route" in attrs:
        return _route_template(str(attrs["http.route"]))
    for name in ("url.path", "http.target"):
        if name in attrs:
            return template_of(str(attrs[name]))
    return None


def breakdown(traces: list[Trace], template: str) -> TimeBreakdown | None:
    """Database share of the template's root-span time (spans with a db.system attribute)."""
    matched = [t for t in traces if _route(t) == template]
    if not matched:
        return None
    server = sum(t.root.duration_ms for t in matched)
    database = sum(s.duration_ms for t in matched for s in t.spans if "db.system" in s.attributes)
    return TimeBreakdown(traces=len(matched), server_ms=server, database_ms=database)


def breakdown_ref(found: TimeBreakdown, template: str) -> EvidenceRef:
    """Cite the trace breakdown."""
    return EvidenceRef(
        source="traces",
        excerpt=(
            f"{found.traces} traces of {template}: {found.server_ms:.0f} ms server time, "
            f"{found.database_ms:.0f} ms in database spans ({found.database_share:.0%})"
        ),
        values={
            "traces": float(found.traces),
            "server_ms": round(found.server_ms, 1),
            "database_ms": round(found.database_ms, 1),
            "database_share": round(found.database_share, 4),
        },
    )


def with_breakdown(finding: Finding, traces: list[Trace], template: str) -> Finding:
    """The finding with the traces' database share added to its root cause and evidence, when known."""
    found = breakdown(traces, template)
    if found is None:
        return finding
    share = f"{found.database_share:.0%}"
    cause = f"{finding.root_cause} Traces: {share} of its server time is spent in database spans."
    return finding.model_copy(
        update={"root_cause": cause, "evidence": [*finding.evidence, breakdown_ref(found, template)]}
    )
