"""The orchestrator graph, end to end through every branch, driven by a scripted planner (no model)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel

from perfpilot.artifacts import (
    BottleneckInventory,
    Finding,
    ImplementationPlan,
    RootCauseReport,
    SloBreach,
    ValidationReport,
)
from perfpilot.artifacts.validation import MetricComparison
from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.run.graph_run import RunOptions, run_workflow
from perfpilot.skills.registry import default_registry
from perfpilot.target.spec import Target
from tests import factories
from tests.graphs.scripted import ScriptedPlanner

BREACH = [SloBreach(slo="p95_ms", target=200, observed=500)]


def _evidence() -> EvidenceBundle:
    target = Target.model_validate({"name": "t", "evidence": {"traces": ["x.json"]}})
    return EvidenceBundle(target=target)


def _inventory(n: int) -> BottleneckInventory:
    return BottleneckInventory(
        baseline=factories.measured_baseline(),
        bottlenecks=[factories.bottleneck(i, 0.5) for i in range(n)],
        slo_breaches=BREACH if n else [],
    )


def _finding(complexity: str) -> Finding:
    return factories.finding("f-1", complexity=complexity, impact=0.5)


def _measured(met: int, of: int) -> ValidationReport:
    return ValidationReport(
        method="measured", comparisons=factories.comparisons(*(i < met for i in range(of)))
    )


def _run(tmp_path: Path, artifacts: dict[str, BaseModel], ask=None):  # type: ignore[no-untyped-def]
    options = RunOptions(
        workdir=tmp_path, planner=ScriptedPlanner(artifacts), registry=default_registry(), ask=ask
    )
    return run_workflow(_evidence(), options)


def test_no_bottleneck_ends_with_targets_met(tmp_path: Path) -> None:
    report = _run(tmp_path, {"profiling": _inventory(0)})
    assert report.decision_path == ["profiling", "finish"]
    assert report.status == "targets_met" and report.exit_code == 0 and report.tier == "T0"


@pytest.mark.parametrize(
    ("bottlenecks", "complexity", "met", "path", "status", "tier"),
    [
        (
            1,
            "quick_fix",
            (5, 5),
            ["profiling", "analysis", "optimization", "validation", "finish"],
            "targets_met",
            "T1",
        ),
        (
            2,
            "quick_fix",
            (4, 5),
            ["profiling", "analysis", "optimization", "validation", "finish"],
            "acceptable",
            "T2",
        ),
        (
            2,
            "complex",
            (1, 2),
            ["profiling", "analysis", "optimization", "validation", "redesign"],
            "not_met",
            "T3",
        ),
    ],
)
def test_paths(
    tmp_path: Path,
    bottlenecks: int,
    complexity: str,
    met: tuple[int, int],
    path: list[str],
    status: str,
    tier: str,
) -> None:
    artifacts = {
        "profiling": _inventory(bottlenecks),
        "analysis": RootCauseReport(findings=[_finding(complexity)]),
        "optimization": ImplementationPlan(),
        "validation": _measured(*met),
    }
    report = _run(tmp_path, artifacts)
    assert report.decision_path == path
    assert (report.status, report.tier) == (status, tier)
    assert report.exit_code == {"targets_met": 0, "acceptable": 0, "not_met": 1}[status]


def _escalating() -> dict[str, BaseModel]:
    return {
        "profiling": _inventory(2),
        "analysis": RootCauseReport(findings=[_finding("architecture_limitation")]),
        "optimization": ImplementationPlan(),
        "validation": _measured(3, 3),
    }


def test_architecture_limitation_escalates_headless(tmp_path: Path) -> None:
    report = _run(tmp_path, _escalating())
    assert report.decision_path == ["profiling", "analysis", "escalation"]
    assert report.status == "escalated" and report.exit_code == 3 and report.tier == "T4"
    assert report.root_cause is not None  # finished steps are kept


def test_a_person_can_resume_an_escalation(tmp_path: Path) -> None:
    questions: list[dict[str, object]] = []

    def ask(question: dict[str, object]) -> str:
        questions.append(question)
        return "proceed"

    report = _run(tmp_path, _escalating(), ask=ask)
    assert questions and questions[0]["options"] == ["proceed", "stop"]
    assert report.decision_path == [
        "profiling",
        "analysis",
        "escalation",
        "optimization",
        "validation",
        "finish",
    ]
    assert report.status == "targets_met" and report.tier == "T3"


def test_a_person_can_stop_an_escalation(tmp_path: Path) -> None:
    report = _run(tmp_path, _escalating(), ask=lambda q: "stop")
    assert report.decision_path == ["profiling", "analysis", "escalation"]
    assert report.status == "escalated"


def test_a_projected_validation_ends_projected_not_met(tmp_path: Path) -> None:
    artifacts = {
        "profiling": _inventory(1),
        "analysis": RootCauseReport(findings=[_finding("quick_fix")]),
        "optimization": ImplementationPlan(),
        "validation": ValidationReport(method="projected", targets_met_share=1.0),
    }
    report = _run(tmp_path, artifacts)
    assert report.decision_path == ["profiling", "analysis", "optimization", "validation", "finish"]
    assert (report.status, report.tier, report.exit_code) == ("projected", "T1", 4)


def test_an_empty_analysis_ends_inconclusive_not_quick_fix(tmp_path: Path) -> None:
    report = _run(tmp_path, {"profiling": _inventory(2), "analysis": RootCauseReport()})
    assert report.decision_path == ["profiling", "analysis", "finish"]
    assert (report.status, report.tier, report.exit_code) == ("inconclusive", None, 5)
    assert "no root cause found" in report.decisions[-1]


def test_an_unmeasured_healthy_looking_system_is_inconclusive(tmp_path: Path) -> None:
    report = _run(tmp_path, {"profiling": BottleneckInventory()})
    assert report.decision_path == ["profiling", "finish"]
    assert (report.status, report.tier, report.exit_code) == ("inconclusive", None, 5)


def test_targets_that_could_not_be_judged_are_never_met(tmp_path: Path) -> None:
    unknown = ValidationReport(
        method="measured",
        comparisons=[MetricComparison(metric="p95_ms:overall", before=500, after=None, target=200)],
        targets_met_share=1.0,  # the validator's own share ignores unknowns; routing does not
    )
    artifacts = {
        "profiling": _inventory(1),
        "analysis": RootCauseReport(findings=[_finding("quick_fix")]),
        "optimization": ImplementationPlan(),
        "validation": unknown,
    }
    report = _run(tmp_path, artifacts)
    assert (report.status, report.exit_code) == ("inconclusive", 5)


def test_an_exhausted_budget_makes_the_run_incomplete(tmp_path: Path) -> None:
    artifacts = {
        "profiling": _inventory(1),
        "analysis": RootCauseReport(findings=[_finding("quick_fix")]),
        "optimization": ImplementationPlan(),
        "validation": _measured(2, 2),
    }
    options = RunOptions(
        workdir=tmp_path,
        planner=ScriptedPlanner(artifacts),
        registry=default_registry(),
        budgets={"validation": 10},  # the scripted submit alone costs more than this
    )
    report = run_workflow(_evidence(), options)
    assert [s.status for s in report.steps][-1] == "budget_exhausted"
    assert (report.status, report.exit_code) == ("incomplete", 6)
