"""The shared step loop: budgets charged and capped, disallowed skills refused, planner failures recovered."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import structlog
from structlog.testing import capture_logs

from perfpilot.agents.loop import StepRunner
from perfpilot.agents.planners.base import Decision, PlannerError, SkillCall, Submit, Usage
from perfpilot.agents.planners.claude_errors import BudgetExhausted
from perfpilot.agents.planners.offline import OfflinePlanner
from perfpilot.agents.session import StepSession
from perfpilot.agents.steps import STEPS
from perfpilot.artifacts import BottleneckInventory, RootCauseReport
from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.skills.base import SkillContext
from perfpilot.skills.registry import default_registry
from perfpilot.target.spec import Target


def _evidence() -> EvidenceBundle:
    return EvidenceBundle(target=Target.model_validate({"name": "t", "evidence": {"traces": ["x.json"]}}))


def _run(planner: object, step: str = "profiling", tmp: Path = Path("/tmp"), budget: int | None = None):  # type: ignore[no-untyped-def]
    agent = STEPS[step]  # type: ignore[index]
    if budget is not None:
        from dataclasses import replace

        agent = replace(agent, budget=budget)
    evidence = _evidence()
    runner = StepRunner(planner, default_registry(), fallback=OfflinePlanner())  # type: ignore[arg-type]
    return runner.run(agent, evidence, {}, SkillContext(evidence=evidence, workdir=tmp))


def test_offline_profiling_stays_within_budget(tmp_path: Path) -> None:
    outcome = _run(OfflinePlanner(), tmp=tmp_path)
    assert isinstance(outcome.artifact, BottleneckInventory)
    assert 0 < outcome.record.tokens_used <= outcome.record.token_budget == 3000
    assert outcome.record.skills_called == ["observability-stack-configurator", "performance-profiler"]


class RogueThenSubmit:
    name = "rogue"

    def __init__(self) -> None:
        self.calls = 0

    def decide(self, session: StepSession) -> Decision:
        self.calls += 1
        if self.calls == 1:
            return Decision(
                actions=(SkillCall("database-optimization-analyzer", {}),),
                usage=Usage(input_tokens=500, output_tokens=20, model_calls=1),
            )
        return Decision(
            actions=(Submit(BottleneckInventory()),),
            usage=Usage(input_tokens=600, output_tokens=40, model_calls=1),
        )


def test_a_skill_outside_the_step_is_refused_and_usage_is_charged(tmp_path: Path) -> None:
    outcome = _run(RogueThenSubmit(), tmp=tmp_path)
    assert outcome.record.skills_called == ["database-optimization-analyzer"]
    assert outcome.record.tokens_used == 1160 and outcome.record.model_calls == 2


class Exhausting:
    name = "exhausting"

    def __init__(self) -> None:
        self.forced = False

    def decide(self, session: StepSession) -> Decision:
        if session.must_submit:
            self.forced = True
            return Decision(actions=(Submit(BottleneckInventory()),), usage=Usage(100, 10, 1))
        return Decision(actions=(SkillCall("performance-profiler", {}),), usage=Usage(1500, 50, 1))


def test_running_out_forces_submit_and_marks_the_artifact(tmp_path: Path) -> None:
    planner = Exhausting()
    outcome = _run(planner, tmp=tmp_path)
    assert planner.forced
    assert outcome.record.status == "budget_exhausted"
    assert outcome.artifact.budget_exhausted is True  # type: ignore[attr-defined]
    # This planner's reported usage overran the budget: the record says so rather than capping it.
    record = outcome.record
    assert record.tokens_used == record.tokens_in + record.tokens_out == 1500 + 50 + 1500 + 50 + 100 + 10
    assert record.notes[-1] == (
        "used 3210 tokens, over the step's budget of 3000: "
        "the API counted more than the request was sized for"
    )


class Failing:
    name = "failing"

    def decide(self, session: StepSession) -> Decision:
        raise PlannerError("model unreachable")


def test_planner_failure_falls_back_to_offline(tmp_path: Path) -> None:
    outcome = _run(Failing(), step="analysis", tmp=tmp_path)
    assert isinstance(outcome.artifact, RootCauseReport)
    assert outcome.record.planner == "offline"
    assert any("offline planner finished the step" in n for n in outcome.record.notes)


class SpendsThenCannotFit:
    """A model planner whose first call (a skill call) reports `spent` input tokens, then finds no request
    fits what is left (as the Claude planner does when even a forced submit would overrun)."""

    name = "claude"

    def __init__(self, spent: int) -> None:
        self.spent = spent
        self.calls = 0

    def decide(self, session: StepSession) -> Decision:
        self.calls += 1
        if self.calls == 1:
            return Decision(actions=(SkillCall("performance-profiler", {}),), usage=Usage(self.spent, 50, 1))
        raise PlannerError("the smallest request does not fit")


@pytest.mark.parametrize("spent", [1500, 2500, 2900])
def test_the_fallback_after_a_model_spent_tokens_charges_no_context_twice(tmp_path: Path, spent: int) -> None:
    """The model's reported input already paid for the prompt and context: the offline planner finishing
    the step charges only the skill results it adds (cut to what is left) and its artifact (capped), so a
    step the model left within budget stays within it, and no overrun is blamed on the API."""
    outcome = _run(SpendsThenCannotFit(spent), tmp=tmp_path)
    record = outcome.record
    assert record.planner == "offline" and record.model_calls == 1
    assert spent + 50 <= record.tokens_used <= record.token_budget == 3000
    assert not any("over the step's budget" in note for note in record.notes)
    if spent == 2900:  # the model left less than the submit reserve: the fallback had to submit at once
        assert record.status == "budget_exhausted"
        assert record.skills_called == ["performance-profiler"]
        assert record.tokens_in == 2900  # what the API reported; nothing charged again for the context


class CannotFit:
    name = "claude"

    def decide(self, session: StepSession) -> Decision:
        raise BudgetExhausted("the smallest request does not fit", remaining=3000, needed=3100)


@pytest.mark.parametrize("planner", [Failing(), CannotFit()], ids=["unreachable", "cannot-fit"])
def test_an_offline_fallback_after_prefetching_charges_the_results_it_read(
    tmp_path: Path, planner: object
) -> None:
    """The prefetched skill results are charged when a model reads them; a model that fails before its
    first call (unreachable, or no request fits: an error carrying zero usage) reads none, so the offline
    planner finishing the step is charged for the prompt, context and results, as an offline run is."""
    step = "profiling"
    agent, evidence = STEPS[step], _evidence()
    runner = StepRunner(planner, default_registry(), fallback=OfflinePlanner(), prefetch=True)  # type: ignore[arg-type]
    fell_back = runner.run(agent, evidence, {}, SkillContext(evidence=evidence, workdir=tmp_path))
    offline = _run(OfflinePlanner(), step=step, tmp=tmp_path)
    assert fell_back.record.planner == "offline" and fell_back.record.model_calls == 0
    assert fell_back.record.skills_called == offline.record.skills_called
    assert fell_back.record.tokens_used == offline.record.tokens_used > 0


class Inventing:
    name = "inventing"

    def decide(self, session: StepSession) -> Decision:
        from perfpilot.artifacts import Finding

        fake = Finding(
            id="db-made-up",
            skill="x",
            kind="missing_index",
            layer="database",
            subject="t(c)",
            title="invented",
            root_cause="none",
            impact=0.9,
        )
        return Decision(actions=(Submit(RootCauseReport(findings=[fake])),), usage=Usage(10, 10, 1))


def test_findings_no_skill_computed_are_dropped(tmp_path: Path) -> None:
    outcome = _run(Inventing(), step="analysis", tmp=tmp_path)
    assert outcome.artifact.findings == []  # type: ignore[attr-defined]
    assert any("db-made-up" in n for n in outcome.record.notes)


@pytest.mark.parametrize("budget", [250, 300, 800])
def test_tiny_budgets_never_crash_and_never_overspend(tmp_path: Path, budget: int) -> None:
    outcome = _run(OfflinePlanner(), tmp=tmp_path, budget=budget)
    assert outcome.record.tokens_used <= budget
    if budget <= 300:
        assert outcome.record.status == "budget_exhausted"
        assert outcome.artifact.budget_exhausted is True  # type: ignore[attr-defined]


def test_budget_events_are_logged_with_run_and_step_bound(tmp_path: Path) -> None:
    evidence = _evidence()
    runner = StepRunner(OfflinePlanner(), default_registry())
    log = structlog.get_logger("perfpilot.run").bind(run="run-1")
    context = SkillContext(evidence=evidence, workdir=tmp_path, log=log)
    with capture_logs() as events:
        outcome = runner.run(replace(STEPS["profiling"], budget=600), evidence, {}, context)
    assert outcome.record.status == "budget_exhausted"
    done = [e for e in events if e["event"] == "step.done"]
    assert done == [
        {
            "event": "step.done",
            "log_level": "info",
            "run": "run-1",
            "step": "profiling",
            "status": "budget_exhausted",
            "tokens": outcome.record.tokens_used,
            "budget": 600,
        }
    ]
    skills = [e for e in events if e["event"] == "step.skill_done"]
    # the budget ran low after the first skill: the submit was forced before the profiler ran
    assert [(e["run"], e["step"], e["skill"]) for e in skills] == [
        ("run-1", "profiling", "observability-stack-configurator")
    ]
