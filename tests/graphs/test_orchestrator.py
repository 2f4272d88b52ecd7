"""The orchestrator graph, end to end through every branch, driven by a scripted planner (no model)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel

from perfpilot.artifacts import (
    Bottleneck,
    BottleneckInventory,
    Finding,
    ImplementationPlan,
    RootCauseReport,
    SloBreach,
    ValidationReport,
)
from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.skills.registry import default_registry
from perfpilot.target.spec import Target
from perfpilot.workflow import RunOptions, run_workflow
from tests.graphs.scripted import ScriptedPlanner

BREACH = [SloBreach(slo="p95_ms", target=200, observed=500)]


def _evidence() -> EvidenceBundle:
    target = Target.model_validate({"name": "t", "evidence": {"traces": ["x.json"]}})
    return EvidenceBundle(target=target)


def _inventory(n: int) -> BottleneckInventory:
    return BottleneckInventory(
        bottlenecks=[
            Bottleneck(id=f"bn-{i}", layer="database", title="t", subject=f"s{i}", impact=0.5)
            for i in range(n)
        ],
        slo_breaches=BREACH if n else [],
    )


def _finding(complexity: str) -> Finding:
    return Finding(
        id="f-1",
        skill="database-optimization-analyzer",
        kind="k",
        layer="database",
        subject="x",
        title="t",
        root_cause="r",
        impact=0.5,
        priority="high",
        complexity=complexity,
    )  # type: ignore[arg-type]


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
    ("bottlenecks", "complexity", "share", "path", "status", "tier"),
    [
        (
            1,
            "quick_fix",
            1.0,
            ["profiling", "analysis", "optimization", "validation", "finish"],
            "targets_met",
            "T1",
        ),
        (
            2,
            "quick_fix",
            0.8,
            ["profiling", "analysis", "optimization", "validation", "finish"],
            "acceptable",
            "T2",
        ),
        (
            2,
            "complex",
            0.5,
            ["profiling", "analysis", "optimization", "validation", "redesign"],
            "not_met",
            "T3",
        ),
    ],
)
def test_paths(
    tmp_path: Path, bottlenecks: int, complexity: str, share: float, path: list[str], status: str, tier: str
) -> None:
    artifacts = {
        "profiling": _inventory(bottlenecks),
        "analysis": RootCauseReport(findings=[_finding(complexity)], outcome=complexity),  # type: ignore[arg-type]
        "optimization": ImplementationPlan(),
        "validation": ValidationReport(targets_met_share=share),
    }
    report = _run(tmp_path, artifacts)
    assert report.decision_path == path
    assert (report.status, report.tier) == (status, tier)
    assert report.exit_code == {"targets_met": 0, "acceptable": 0, "not_met": 1}[status]


def _escalating() -> dict[str, BaseModel]:
    return {
        "profiling": _inventory(2),
        "analysis": RootCauseReport(
            findings=[_finding("architecture_limitation")], outcome="architecture_limitation"
        ),
        "optimization": ImplementationPlan(),
        "validation": ValidationReport(targets_met_share=1.0),
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
