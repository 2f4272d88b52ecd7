"""Context items built from earlier steps' artifacts (shared by the steps), each with an impact to rank it."""

from __future__ import annotations

import json

from pydantic import BaseModel

from perfpilot.agents.rendering import finding_line
from perfpilot.agents.session import ContextItem
from perfpilot.artifacts import BottleneckInventory, ImplementationPlan, RootCauseReport


def _dump(data: object) -> str:
    return json.dumps(data, separators=(",", ":"), default=str)


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


def items_for(inputs: dict[str, BaseModel], key: str) -> list[ContextItem]:
    """The context items of one earlier artifact the step was given (none when it is absent)."""
    value = inputs.get(key)
    if isinstance(value, BottleneckInventory):
        return inventory_items(value)
    if isinstance(value, RootCauseReport):
        return root_cause_items(value)
    if isinstance(value, ImplementationPlan):
        return plan_items(value)
    return []
