"""A change that drops a finding fails the baseline comparison, naming the incident and the finding."""

from __future__ import annotations

from dataclasses import replace

from perfpilot.agents.planners.offline import OfflinePlanner
from perfpilot.evals.loading import INCIDENTS_DIR
from perfpilot.evals.regression import regressions
from perfpilot.evals.results import IncidentResult, StepUsage
from perfpilot.evals.runner import evaluate
from perfpilot.skills.base import SkillOutput
from perfpilot.skills.registry import SkillRegistry, default_registry

INCIDENT = INCIDENTS_DIR / "single-node-db-saturated"


def test_a_registry_without_a_skill_makes_the_baseline_comparison_fail() -> None:
    baseline = evaluate([INCIDENT], lambda _: OfflinePlanner())
    full = default_registry()
    cost = full.get("cost-optimization-analyzer")
    silent = replace(cost, skill=replace(cost.skill, run=lambda inp, ctx: SkillOutput()))
    crippled = SkillRegistry({s.name: silent if s.name == cost.name else s for s in full})

    current = evaluate([INCIDENT], lambda _: OfflinePlanner(), registry=crippled)

    found = regressions(current, baseline)
    missing = "missing finding cost-optimization-analyzer/resource_constrained helpdesk-db"
    assert f"single-node-db-saturated: {missing}" in found
    assert any(line.startswith("single-node-db-saturated: decision path") for line in found)


def _result(**changes: object) -> IncidentResult:
    base = IncidentResult(
        id="checkout-n1",
        status="targets_met",
        tier="T2",
        decision_path=["profiling", "analysis", "optimization", "validation", "finish"],
        finding_recall=1.0,
        score=0.95,
        steps=[StepUsage(name="analysis", tokens_used=1000, token_budget=4000)],
        wall_time_s=1.0,
    )
    return base.model_copy(update=changes)


def test_a_results_set_with_one_finding_removed_is_a_regression() -> None:
    before = _result()
    after = _result(
        finding_recall=0.5,
        score=0.85,
        findings_missed=["database-optimization-analyzer/missing_index orders(customer_id)"],
    )
    found = regressions([after], [before])
    assert (
        "checkout-n1: missing finding database-optimization-analyzer/missing_index orders(customer_id)"
        in found
    )
    assert "checkout-n1: finding_recall 1.0 -> 0.5" in found


def test_wall_time_and_small_score_noise_are_not_regressions() -> None:
    assert regressions([_result(wall_time_s=90.0, score=0.945)], [_result()]) == []


def test_path_tier_budget_and_token_growth_are_regressions() -> None:
    worse = _result(
        decision_path=["profiling", "finish"],
        tier="T0",
        steps=[StepUsage(name="analysis", tokens_used=4500, token_budget=4000)],
    )
    found = regressions([worse], [_result()])
    assert any("decision path" in line for line in found)
    assert "checkout-n1: tier T2 -> T0" in found
    assert "checkout-n1: now over its token budget in analysis" in found
    assert any("tokens 1000 -> 4500" in line for line in found)


def test_an_incident_missing_from_the_run_or_newly_invalid_is_a_regression() -> None:
    assert regressions([], [_result()]) == ["checkout-n1: missing from this run"]
    invalid = IncidentResult(id="checkout-n1", valid=False, error="line 3, field 'tier': bad")
    assert regressions([invalid], [_result()]) == ["checkout-n1: now invalid: line 3, field 'tier': bad"]
