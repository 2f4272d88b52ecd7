"""Whether a recommended index is worth building: the time it saves a request against the latency target.

The advisor prices an index by planner cost; a DBA also asks what it saves where it counts. Per served
shape: its measured mean time x the advisor's cost reduction for it (1 - cost after / cost before), times
its calls per request when it runs in an N+1 loop. When those savings add up, per request, to less than
MATERIAL_SHARE of the strictest latency target, the index is left out with a note: the statement is
already served (an index or key leads its filter) and is fast, so another index only costs writes and
space. Left as it is when there is no latency target or a served shape has no measured time.
"""

from __future__ import annotations

from collections.abc import Mapping

from perfpilot.artifacts import Finding
from perfpilot.skills.database_optimization.indexes.models import Advice, IndexRecommendation
from perfpilot.target.spec import Slos
from perfpilot.workload.models import QueryShape

MATERIAL_SHARE = 0.05
"""5% of the latency target per request: below it, a saving is lost in run-to-run variation."""


def latency_target_ms(slos: Slos) -> float | None:
    """The strictest p95 target (overall or per endpoint), else the strictest p99 one."""
    for key in ("p95_ms", "p99_ms"):
        values = [getattr(slos, key)] + [getattr(e, key) for e in slos.endpoints.values()]
        targets = [float(v) for v in values if v]
        if targets:
            return min(targets)
    return None


def saving_per_request_ms(
    rec: IndexRecommendation, shapes: Mapping[str, QueryShape], calls_per_request: Mapping[str, float]
) -> float | None:
    """Milliseconds the index saves a request on the shapes it serves; None when one has no measured time."""
    total = 0.0
    for query in rec.queries:
        shape = shapes.get(query.shape_id)
        if shape is None or shape.mean_time_s <= 0:
            return None
        ratio = query.cost_after / query.cost_before if query.cost_before > 0 else 1.0
        saved = 1000 * shape.mean_time_s * max(0.0, 1.0 - ratio)
        total += saved * max(1.0, calls_per_request.get(query.shape_id, 1.0))
    return total


def material_index_findings(
    advice: Advice,
    shapes: Mapping[str, QueryShape],
    calls_per_request: Mapping[str, float],
    target_ms: float | None,
) -> tuple[list[Finding], list[str]]:
    """The advice's findings without the indexes not worth building, and a note for each left out."""
    if target_ms is None:
        return list(advice.findings), []
    floor = MATERIAL_SHARE * target_ms
    left_out: dict[str, str] = {}
    for rec in advice.recommendations:
        saving = saving_per_request_ms(rec, shapes, calls_per_request)
        if saving is not None and saving < floor:
            left_out[rec.ddl] = (
                f"index {rec.table}({', '.join(rec.columns)}) left out: it would save {saving:.3g} ms per "
                f"request on the statements it serves, under {MATERIAL_SHARE:.0%} of the {target_ms:g} ms "
                "latency target (they are already fast)"
            )
    kept = [
        f for f in advice.findings
        if not (f.kind == "missing_index" and f.remediation is not None and f.remediation.content in left_out)
    ]
    return kept, list(left_out.values())
