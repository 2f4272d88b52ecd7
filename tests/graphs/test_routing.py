"""Every decision point of the seed, as pure functions over artifacts: verdicts say only what was measured."""

from __future__ import annotations

import pytest

from perfpilot.artifacts import (
    BottleneckInventory,
    Finding,
    RootCauseReport,
    SloBreach,
    ValidationReport,
)
from perfpilot.artifacts.report import EvidenceRead, StepRecord
from perfpilot.graphs import routing
from perfpilot.target.spec import EndpointSlo, Slos
from tests import factories
from tests.factories import bottleneck, comparisons
from tests.factories import measured_baseline as measured

SLOS = Slos(p95_ms=300, error_rate=0.01)
READ = [EvidenceRead(source="metrics.prom", items=120)]


def finding(i: int, complexity: str, impact: float = 0.3, priority: str = "high") -> Finding:
    return factories.finding(f"f-{i}", complexity=complexity, impact=impact, priority=priority)


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
def test_after_profiling_counts_significant_bottlenecks(
    impacts: list[float], breached: bool, expected: str
) -> None:
    breaches = [SloBreach(slo="p95_ms", target=200, observed=400)] if breached else []
    inventory = BottleneckInventory(
        baseline=measured(),
        bottlenecks=[bottleneck(i, x) for i, x in enumerate(impacts)],
        slo_breaches=breaches,
    )
    assert routing.after_profiling(inventory, SLOS, READ).kind == expected


def test_healthy_needs_a_measured_baseline() -> None:
    verdict = routing.after_profiling(BottleneckInventory(), SLOS, READ)
    assert verdict.kind == "inconclusive"
    assert "no baseline was measured" in verdict.reason


def test_a_target_with_no_measured_figure_is_unknown_not_met() -> None:
    inventory = BottleneckInventory(baseline=measured(error_rate=None))
    verdict = routing.after_profiling(inventory, SLOS, READ)
    assert verdict.kind == "inconclusive"
    assert "error_rate (no measured error_rate)" in verdict.reason


def test_an_endpoint_target_without_its_latency_is_unknown() -> None:
    slos = Slos(p95_ms=300, endpoints={"GET /orders": EndpointSlo(p95_ms=100)})
    verdict = routing.after_profiling(BottleneckInventory(baseline=measured()), slos, READ)
    assert verdict.kind == "inconclusive"
    assert "p95_ms of GET /orders" in verdict.reason


@pytest.mark.parametrize(
    ("source", "words"),
    [
        (EvidenceRead(source="pg.log", items=0, read=False), "pg.log (could not be read)"),
        (EvidenceRead(source="empty.prom", items=0), "empty.prom (yielded nothing)"),
    ],
)
def test_an_unread_source_makes_healthy_inconclusive(source: EvidenceRead, words: str) -> None:
    verdict = routing.after_profiling(BottleneckInventory(baseline=measured()), SLOS, [*READ, source])
    assert verdict.kind == "inconclusive"
    assert words in verdict.reason


@pytest.mark.parametrize(
    ("findings", "expected"),
    [
        ([], "no_root_cause"),
        ([finding(1, "quick_fix", 0.5), finding(2, "complex", 0.2)], "quick_fix"),
        ([finding(1, "quick_fix", 0.1), finding(2, "complex", 0.5)], "complex"),
        (
            [finding(1, "quick_fix", 0.9), finding(2, "architecture_limitation", 0.2)],
            "architecture_limitation",
        ),
        ([finding(1, "quick_fix", 0.9), finding(2, "architecture_limitation", 0.01, "low")], "quick_fix"),
    ],
)
def test_after_analysis(findings: list[Finding], expected: str) -> None:
    assert routing.classify_findings(findings) == expected
    assert routing.after_analysis(RootCauseReport(findings=findings)).kind == expected


def test_empty_analysis_is_never_a_quick_fix_even_when_judged_so() -> None:
    report = RootCauseReport(findings=[], judged_outcome="quick_fix")
    inventory = BottleneckInventory(bottlenecks=[bottleneck(1, 0.6)])
    verdict = routing.after_analysis(report, inventory)
    assert verdict.kind == "no_root_cause"
    assert "bottleneck layers: database" in verdict.reason


def test_a_judged_outcome_stands_over_findings() -> None:
    report = RootCauseReport(findings=[finding(1, "quick_fix")], judged_outcome="complex")
    assert routing.after_analysis(report).kind == "complex"


@pytest.mark.parametrize(
    ("met", "expected"),
    [
        ((True,) * 5, "met"),
        ((True, True, True, True, False), "partial"),
        ((True, True, True, False, False), "not_met"),
        ((True, True, True, True, None), "partial"),  # unknown counts as not met
        ((True, None, None), "unknown"),  # undecided targets leave it open: never 'not met' from noise
        ((True, False, False, None), "not_met"),  # two missed beyond the noise: 80% is out of reach
        ((None, None), "unknown"),
        ((), "unknown"),
    ],
)
def test_after_validation_measured(met: tuple[bool | None, ...], expected: str) -> None:
    report = ValidationReport(method="measured", comparisons=comparisons(*met))
    assert routing.after_validation(report).kind == expected


def test_a_projection_is_never_a_success() -> None:
    report = ValidationReport(method="projected", comparisons=comparisons(True, True), targets_met_share=1)
    verdict = routing.after_validation(report)
    assert verdict.kind == "projected"
    assert "projection" in verdict.reason


@pytest.mark.parametrize(
    ("verdict", "exhausted", "status"),
    [
        ("none", False, "targets_met"),
        ("met", False, "targets_met"),
        ("partial", False, "acceptable"),
        ("projected", False, "projected"),
        ("unknown", False, "inconclusive"),
        ("no_root_cause", False, "inconclusive"),
        ("inconclusive", False, "inconclusive"),
        ("not_met", False, "not_met"),
        ("met", True, "incomplete"),
        ("partial", True, "incomplete"),
        ("projected", True, "incomplete"),
        ("none", True, "incomplete"),
        ("not_met", True, "not_met"),
    ],
)
def test_closing_status(verdict: str, exhausted: bool, status: str) -> None:
    steps = [
        StepRecord(name="profiling", token_budget=3000, tokens_used=100),
        StepRecord(
            name="analysis",
            token_budget=4000,
            tokens_used=4000,
            status="budget_exhausted" if exhausted else "ok",
        ),
    ]
    assert routing.closing_status(verdict, steps) == status


@pytest.mark.parametrize(
    ("profiled", "analysed", "tier"),
    [
        ("single", "quick_fix", "T1"),
        ("single", "complex", "T1"),
        ("multiple", "quick_fix", "T2"),
        ("multiple", "complex", "T3"),
        ("multiple", "architecture_limitation", "T4"),
        ("single", "architecture_limitation", "T4"),
        ("multiple", "no_root_cause", None),
    ],
)
def test_tiers(profiled: str, analysed: str, tier: str | None) -> None:
    assert routing.tier_after_analysis(profiled, analysed) == tier  # type: ignore[arg-type]


def test_a_handful_of_requests_is_no_measurement() -> None:
    inventory = BottleneckInventory(baseline=measured(requests=3))
    verdict = routing.after_profiling(inventory, SLOS, READ)
    assert verdict.kind == "inconclusive"
    assert "p95_ms (only 3 requests measured, fewer than 100)" in verdict.reason


def test_waste_found_while_profiling_names_its_layer() -> None:
    """An over-provisioned fleet (a medium/high cost finding) is a bottleneck of the infrastructure
    layer; a low-priority finding is not."""
    waste = factories.finding("cost-1", layer="infrastructure", priority="medium", kind="rightsize_instance")
    hint = factories.finding("cost-2", layer="edge", priority="low", kind="compress_text_responses")
    inventory = BottleneckInventory(
        baseline=measured(),
        bottlenecks=[bottleneck(1, 0.6), bottleneck(2, 0.05, "cache")],
        findings=[waste, hint],
    )
    assert routing.waste_findings(inventory) == [waste]
    assert routing.bottleneck_layers(inventory) == ["database", "infrastructure"]
