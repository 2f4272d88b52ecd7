"""Finding helpers shared by every step: priority bands, the ranking/de-duplication rule, the summary."""

from __future__ import annotations

from perfpilot.artifacts import Finding, Priority, rank_findings, unique_findings
from perfpilot.artifacts.priority import priority_from_impact
from perfpilot.artifacts.report import FindingSummary


def _finding(id_: str, priority: Priority, impact: float, title: str = "t") -> Finding:
    return Finding(
        id=id_, skill="s", kind="k", layer="database", subject=f"subject {id_}", title=title,
        root_cause="r", impact=impact, priority=priority,
    )


def test_priority_bands_take_each_skills_thresholds() -> None:
    assert [priority_from_impact(x) for x in (0.2, 0.19, 0.05, 0.049)] == ["high", "medium", "medium", "low"]
    assert priority_from_impact(0.2, high=0.25, medium=0.05) == "medium"
    assert priority_from_impact(0.03, high=0.10, medium=0.03) == "medium"


def test_rank_keeps_the_first_of_an_id_then_orders_by_priority_impact_and_id() -> None:
    findings = [
        _finding("b", "medium", 0.9),
        _finding("a", "high", 0.1),
        _finding("c", "high", 0.5),
        _finding("a", "high", 0.99, title="later copy"),
        _finding("e", "low", 0.3),
        _finding("d", "high", 0.5),
    ]
    ranked = rank_findings(iter(findings))
    assert [f.id for f in ranked] == ["c", "d", "a", "b", "e"]
    assert next(f for f in ranked if f.id == "a").title == "t"
    assert [f.id for f in unique_findings(findings)] == ["b", "a", "c", "e", "d"]


def test_summary_of_a_finding() -> None:
    summary = FindingSummary.of(_finding("x", "low", 0.123456))
    assert summary.model_dump() == {
        "id": "x", "skill": "s", "kind": "k", "layer": "database", "subject": "subject x", "title": "t",
        "impact": 0.1235, "priority": "low",
    }
