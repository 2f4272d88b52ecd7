"""Build the context items each step offers its planner, each with an impact used to rank it."""

from __future__ import annotations

import json
from collections.abc import Callable

from pydantic import BaseModel

from perfpilot.agents.rendering import finding_line
from perfpilot.agents.session import ContextItem
from perfpilot.agents.step import StepName
from perfpilot.artifacts import BottleneckInventory, ImplementationPlan, RootCauseReport
from perfpilot.evidence.bundle import EvidenceBundle


def _dump(data: object) -> str:
    return json.dumps(data, separators=(",", ":"), default=str)


def evidence_items(evidence: EvidenceBundle) -> list[ContextItem]:
    """What evidence is at hand: one line per source kind, top query shapes, skipped sources."""
    items: list[ContextItem] = []
    counts = {
        "metric samples": len(evidence.metrics),
        "metric series": len(evidence.series),
        "traces": len(evidence.traces),
        "load tests": len(evidence.load_tests),
        "access log entries": len(evidence.access_logs),
        "workloads": len(evidence.workloads),
        "dockerfiles": len(evidence.dockerfiles),
        "instances": len(evidence.instances),
        "kubernetes workloads": len(evidence.kubernetes),
    }
    items.append(ContextItem("evidence.inventory", _dump({k: v for k, v in counts.items() if v}), 1.0))
    for digest in evidence.workloads:
        for shape in digest.queries[:5]:
            items.append(
                ContextItem(
                    f"workload.{shape.id}",
                    _dump(
                        {
                            "shape": shape.fingerprint[:300],
                            "count": shape.count,
                            "total_s": round(shape.total_time_s, 3),
                            "share": round(shape.share, 3),
                        }
                    ),
                    0.3 + 0.6 * shape.share,
                )
            )
    if evidence.skipped:
        skipped = [f"{s.source}:{s.line or '-'} {s.reason}" for s in evidence.skipped]
        items.append(ContextItem("evidence.skipped", _dump(skipped), 0.2))
    return items


def inventory_items(inventory: BottleneckInventory) -> list[ContextItem]:
    items = [
        ContextItem(
            f"bottleneck.{b.id}",
            _dump(
                {
                    "id": b.id,
                    "layer": b.layer,
                    "title": b.title,
                    "subject": b.subject,
                    "impact": round(b.impact, 3),
                    "metrics": b.metrics,
                }
            ),
            b.impact,
        )
        for b in inventory.bottlenecks
    ]
    overall = inventory.baseline.overall
    items.append(ContextItem("baseline.overall", overall.model_dump_json(exclude_none=True), 0.9))
    if inventory.slo_breaches:
        items.append(
            ContextItem(
                "slo_breaches", _dump([b.model_dump(exclude_none=True) for b in inventory.slo_breaches]), 0.95
            )
        )
    return items


def root_cause_items(report: RootCauseReport) -> list[ContextItem]:
    return [ContextItem(f"finding.{f.id}", _dump(finding_line(f)), f.impact) for f in report.findings]


def plan_items(plan: ImplementationPlan) -> list[ContextItem]:
    return [
        ContextItem(
            f"change.{c.id}", _dump({"id": c.id, "group": c.group, "kind": c.kind, "title": c.title}), 0.5
        )
        for c in plan.changes
    ]


def step_context(step: StepName, evidence: EvidenceBundle, inputs: dict[str, BaseModel]) -> list[ContextItem]:
    """The context items for a step: evidence for profiling, the previous artifacts for the others."""
    builders: dict[StepName, Callable[[], list[ContextItem]]] = {
        "profiling": lambda: evidence_items(evidence),
        "analysis": lambda: _items_for(inputs, "inventory"),
        "optimization": lambda: _items_for(inputs, "root_cause"),
        "validation": lambda: _items_for(inputs, "plan") + _items_for(inputs, "inventory"),
    }
    return builders[step]()


def _items_for(inputs: dict[str, BaseModel], key: str) -> list[ContextItem]:
    value = inputs.get(key)
    if isinstance(value, BottleneckInventory):
        return inventory_items(value)
    if isinstance(value, RootCauseReport):
        return root_cause_items(value)
    if isinstance(value, ImplementationPlan):
        return plan_items(value)
    return []
