"""Every decision point of the seed, as pure functions over artifacts."""

from __future__ import annotations

import pytest

from perfpilot.agents.assembly.analysis import classify_outcome
from perfpilot.artifacts import (
    Bottleneck,
    BottleneckInventory,
    Finding,
    RootCauseReport,
    SloBreach,
    ValidationReport,
)
from perfpilot.graphs import routing


def bottleneck(i: int, impact: float) -> Bottleneck:
    return Bottleneck(id=f"bn-{i}", layer="database", title="t", subject=f"s{i}", impact=impact)


def finding(i: int, complexity: str, impact: float = 0.3, priority: str = "high") -> Finding:
    return Finding(
        id=f"f-{i}",
        skill="s",
        kind="k",
        layer="database",
        subject="x",
        title="t",
        root_cause="r",
        impact=impact,
        priority=priority,
        complexity=complexity,
    )  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("impacts", "breached", "expected"),
    [
        ([], False, "none"),
        ([0.05, 0.1], False, "none"),
        ([], True, "multiple"),
        ([0.6], True, "single"),
        ([0.6, 0.05], True, "single"),
        ([0.6, 0.3], True, "multiple"),
    ],
)
def test_after_profiling(impacts: list[float], breached: bool, expected: str) -> None:
    breaches = [SloBreach(slo="p95_ms", target=200, observed=400)] if breached else []
    inventory = BottleneckInventory(
        bottlenecks=[bottleneck(i, x) for i, x in enumerate(impacts)], slo_breaches=breaches
    )
    assert routing.after_profiling(inventory) == expected


@pytest.mark.parametrize(
    ("findings", "expected"),
    [
        ([], "quick_fix"),
        ([finding(1, "quick_fix", 0.5), finding(2, "complex", 0.2)], "quick_fix"),
        ([finding(1, "quick_fix", 0.1), finding(2, "complex", 0.5)], "complex"),
        (
            [finding(1, "quick_fix", 0.9), finding(2, "architecture_limitation", 0.2)],
            "architecture_limitation",
        ),
        ([finding(1, "quick_fix", 0.9), finding(2, "architecture_limitation", 0.01, "low")], "quick_fix"),
    ],
)
def test_analysis_outcome(findings: list[Finding], expected: str) -> None:
    outcome = classify_outcome(findings)
    assert outcome == expected
    assert routing.after_analysis(RootCauseReport(findings=findings, outcome=outcome)) == expected


@pytest.mark.parametrize(
    ("share", "expected"),
    [(1.0, "met"), (0.8, "partial"), (0.85, "partial"), (0.79, "not_met"), (0.0, "not_met")],
)
def test_after_validation(share: float, expected: str) -> None:
    assert routing.after_validation(ValidationReport(targets_met_share=share)) == expected


@pytest.mark.parametrize(
    ("profiled", "analysed", "tier"),
    [
        ("single", "quick_fix", "T1"),
        ("single", "complex", "T1"),
        ("multiple", "quick_fix", "T2"),
        ("multiple", "complex", "T3"),
        ("multiple", "architecture_limitation", "T4"),
        ("single", "architecture_limitation", "T4"),
    ],
)
def test_tiers(profiled: str, analysed: str, tier: str) -> None:
    assert routing.tier_after_analysis(profiled, analysed) == tier  # type: ignore[arg-type]
