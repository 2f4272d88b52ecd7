"""Scoring: matching rules, partial credit per component, and the weighted total, on real report models."""

from __future__ import annotations

from typing import Any

import pytest

from perfpilot.artifacts import BottleneckInventory
from perfpilot.artifacts.bottlenecks import Bottleneck
from perfpilot.artifacts.findings import Finding, RootCauseReport
from perfpilot.artifacts.plan import Change, ImplementationPlan
from perfpilot.artifacts.report import RunReport, StepRecord
from perfpilot.artifacts.validation import EndpointComparison, ValidationReport
from perfpilot.evals.incident import FindingMatch, Incident
from perfpilot.evals.scoring import finding_matches, precision_recall, score_report

DB = "database-optimization-analyzer"

PATH = ["profiling", "analysis", "optimization", "validation", "finish"]


def _incident(**expectations: Any) -> Incident:
    return Incident.model_validate(
        {
            "id": "checkout-n1",
            "title": "t",
            "modelled_on": "m",
            "target": {},
            "expectations": expectations,
            "after": {"p95_ms": {"GET /orders/{id}": 100}},
        }
    )


def _finding(kind: str, subject: str, layer: str = "database") -> Finding:
    return Finding(
        id=f"f-{kind}-{subject}",
        skill="database-optimization-analyzer",
        kind=kind,
        layer=layer,  # type: ignore[arg-type]
        subject=subject,
        title=kind,
        root_cause="r",
        impact=0.5,
    )


def _report(**changes: Any) -> RunReport:
    report = RunReport(
        run_id="r",
        target="t",
        status="targets_met",
        tier="T2",
        decision_path=PATH,
        steps=[StepRecord(name="analysis", token_budget=4000, tokens_used=1200)],
        inventory=BottleneckInventory(
            bottlenecks=[
                Bottleneck(id="b1", layer="database", title="db", subject="q", impact=0.8),
                Bottleneck(id="b2", layer="application", title="app", subject="a", impact=0.3),
                Bottleneck(id="b3", layer="infrastructure", title="i", subject="vm", impact=0.05),
            ]
        ),
        root_cause=RootCauseReport(findings=[_finding("missing_index", "orders(customer_id, created_at)")]),
        plan=ImplementationPlan(
            changes=[
                Change(
                    id="c1",
                    finding_id="f",
                    group="quick_wins",
                    kind="ddl",
                    title="index",
                    content="CREATE INDEX CONCURRENTLY idx ON orders (customer_id, created_at);",
                    rollback="DROP INDEX CONCURRENTLY idx;",
                    effort_days=0.1,
                )
            ]
        ),
        validation=ValidationReport(
            targets_met_share=0.8,
            endpoints=[EndpointComparison(name="GET /orders/{id}", p95_ms_after=130)],
        ),
    )
    return report.model_copy(update=changes)


def test_subject_matches_case_insensitively_as_prefix_or_substring() -> None:
    finding = _finding("missing_index", "orders(customer_id, created_at) INCLUDE (id)")
    for subject in ("orders(customer_id", "ORDERS(Customer_ID", "created_at)", ""):
        assert finding_matches(
            FindingMatch(skill=DB, kind="missing_index", subject=subject),
            finding,
        )
    assert not finding_matches(
        FindingMatch(skill=DB, kind="missing_index", subject="order_items("),
        finding,
    )
    assert not finding_matches(FindingMatch(skill=DB, kind="n_plus_one", subject="orders("), finding)


@pytest.mark.parametrize(
    ("got", "expected", "pr"),
    [
        ({"database"}, {"database"}, (1.0, 1.0)),
        ({"database", "application"}, {"database"}, (0.5, 1.0)),
        (set(), {"database"}, (1.0, 0.0)),
        ({"database"}, set(), (0.0, 1.0)),
        (set(), set(), (1.0, 1.0)),
    ],
)
def test_precision_recall(got: set[str], expected: set[str], pr: tuple[float, float]) -> None:
    assert precision_recall(got, expected) == pr


def test_right_tier_wrong_status_gets_partial_decision_credit() -> None:
    scored = score_report(_incident(status="not_met", tier="T2", decision_path=PATH), _report())
    assert scored.parts["decision"] == 0.75
    assert scored.path_ok is True and scored.tier_ok is True and scored.status_ok is False
    assert "status targets_met (expected not_met)" in scored.misses


def test_significant_bottleneck_layers_only_are_scored() -> None:
    scored = score_report(_incident(bottleneck_layers=["database"]), _report())
    assert scored.layers == ["application", "database"]
    assert (scored.precision, scored.recall) == (0.5, 1.0)
    assert scored.parts["bottlenecks"] == pytest.approx(2 / 3, abs=1e-4)
    assert "unexpected bottleneck layer application" in scored.misses


def test_finding_recall_and_false_positives() -> None:
    incident = _incident(
        findings=[
            {
                "skill": "database-optimization-analyzer",
                "kind": "missing_index",
                "subject": "orders(customer_id",
            },
            {"skill": "database-optimization-analyzer", "kind": "n_plus_one", "subject": "GET /orders"},
        ],
        forbidden_findings=[
            {"skill": "database-optimization-analyzer", "kind": "missing_index", "subject": "orders("},
            {"skill": "cost-optimization-analyzer", "kind": "resource_constrained"},
        ],
    )
    scored = score_report(incident, _report())
    assert scored.finding_recall == 0.5
    assert scored.findings_missed == ["database-optimization-analyzer/n_plus_one GET /orders"]
    assert scored.parts["false_positives"] == 0.5
    assert scored.false_positives == [
        "database-optimization-analyzer/missing_index orders(customer_id, created_at)"
    ]


def test_remediation_partial_credit_and_safety_bound() -> None:
    incident = _incident(
        remediation={
            "changes": [
                {"kind": "ddl", "contains": "on ORDERS (customer_id", "max_risk": "low"},
                {"kind": "patch", "contains": "IN (", "max_risk": "medium"},
            ]
        }
    )
    assert score_report(incident, _report()).parts["remediation"] == 0.5
    risky = _report().plan
    assert risky is not None
    risky_plan = risky.model_copy(update={"changes": [risky.changes[0].model_copy(update={"risk": "high"})]})
    scored = score_report(incident, _report(plan=risky_plan))
    assert scored.parts["remediation"] == 0.0


def test_no_changes_expected_but_a_plan_was_made() -> None:
    scored = score_report(_incident(remediation={"no_changes": True}), _report())
    assert scored.parts["remediation"] == 0.0
    assert scored.remediation_missed == ["1 change(s) proposed where nothing should change"]
    assert (
        score_report(_incident(remediation={"no_changes": True}), _report(plan=None)).parts["remediation"]
        == 1.0
    )


def test_improvement_within_tolerance_and_share_range() -> None:
    ok = _incident(improvement={"p95_tolerance": 0.5, "targets_met_share": {"min": 0.8, "max": 1.0}})
    assert score_report(ok, _report()).parts["improvement"] == 1.0
    tight = _incident(improvement={"p95_tolerance": 0.1, "targets_met_share": {"min": 1.0, "max": 1.0}})
    scored = score_report(tight, _report())
    assert scored.parts["improvement"] == 0.0
    assert any(m.startswith("p95 after GET /orders/{id}: 130 ms vs recorded 100 ms") for m in scored.misses)


def test_budget_overrun_and_weighted_total() -> None:
    over = _report(steps=[StepRecord(name="analysis", token_budget=1000, tokens_used=1200)])
    scored = score_report(_incident(tier="T2"), over)
    assert scored.parts["budget"] == 0.0
    assert "step analysis over its token budget" in scored.misses
    # decision (weight 0.25) fully right, budget (0.05) wrong: 0.25 / 0.30
    assert scored.total == pytest.approx(0.25 / 0.30, abs=1e-4)


def test_improvement_needs_after_figures_or_a_share() -> None:
    with pytest.raises(ValueError, match="after"):
        Incident.model_validate(
            {"id": "x", "title": "t", "modelled_on": "m", "target": {}, "expectations": {"improvement": {}}}
        )
