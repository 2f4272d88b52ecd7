"""What a model sees of a run to answer questions about it: its artifacts as data, fitted to a token limit."""

from __future__ import annotations

import json
from typing import Any

from perfpilot.agents.budget import fit_context
from perfpilot.agents.session import ContextItem
from perfpilot.artifacts.findings import rank_findings
from perfpilot.artifacts.report import RunReport
from perfpilot.redaction import redact


def artifact_ids(report: RunReport) -> set[str]:
    """Every id an answer may cite: findings, plan changes and bottlenecks of this run."""
    ids = {f.id for f in report.all_findings()}
    ids |= {c.id for c in report.plan.changes} if report.plan else set()
    ids |= {b.id for b in report.inventory.bottlenecks} if report.inventory else set()
    return ids


def _line(record: dict[str, Any]) -> str:
    return json.dumps({k: v for k, v in record.items() if v not in (None, [], "")}, ensure_ascii=False)


def _items(report: RunReport) -> list[ContextItem]:
    items = [
        ContextItem(
            key="run",
            impact=2.0,
            text=_line(
                {
                    "status": report.status, "tier": report.tier, "decision_path": report.decision_path,
                    "decisions": report.decisions, "escalation": report.escalation,
                    "applied": report.applied, "error": report.error,
                }
            ),
        )
    ]  # fmt: skip
    for f in rank_findings(report.all_findings()):
        record = {
            "finding": f.id, "priority": f.priority, "layer": f.layer, "kind": f.kind, "subject": f.subject,
            "title": f.title, "root_cause": f.root_cause, "impact": round(f.impact, 4),
            "complexity": f.complexity,
            "estimate": f.estimate.model_dump(exclude_none=True) if f.estimate else None,
            "evidence": [f"{e.source}{f':{e.line}' if e.line else ''}" for e in f.evidence],
        }  # fmt: skip
        items.append(ContextItem(key=f.id, impact=f.impact, text=_line(record)))
    for c in report.plan.changes if report.plan else []:
        record = {
            "change": c.id, "for_finding": c.finding_id, "title": c.title, "kind": c.kind, "risk": c.risk,
            "effort_days": c.effort_days, "auto_applicable": c.auto_applicable, "rollback": c.rollback,
        }  # fmt: skip
        items.append(ContextItem(key=c.id, impact=0.5, text=_line(record)))
    for b in report.inventory.bottlenecks if report.inventory else []:
        record = {"bottleneck": b.id, "layer": b.layer, "title": b.title, "impact": round(b.impact, 4)}
        items.append(ContextItem(key=b.id, impact=b.impact, text=_line(record)))
    if report.validation is not None:
        v = report.validation
        record = {
            "validation": v.method, "targets": v.tally()._asdict(), "verdict": v.verdict,
            "comparisons": [c.model_dump(exclude_none=True, exclude={"change"}) for c in v.comparisons],
            "notes": v.notes,
        }  # fmt: skip
        items.append(ContextItem(key="validation", impact=1.5, text=_line(record)))
    return items


def grounding_text(report: RunReport, limit: int) -> str:
    """The run's artifacts, one JSON object a line (highest impact kept first), secrets masked."""
    kept, dropped = fit_context(_items(report), limit)
    lines = [item.text for item in kept]
    if dropped:
        lines.append(_line({"left_out_for_the_budget": dropped}))
    return redact("\n".join(lines))
