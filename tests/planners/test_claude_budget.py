"""Budgets: max_tokens never exceeds what the step has left; results are cut to fit; too little raises."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfpilot.agents.planners.claude import ClaudePlanner
from perfpilot.agents.planners.claude_budget import (
    MIN_OUTPUT_TOKENS,
    SUBMIT_OUTPUT_TOKENS,
    estimate_input_tokens,
    fit_request,
)
from perfpilot.agents.planners.claude_errors import BudgetExhausted
from perfpilot.agents.planners.claude_messages import RequestPlan, build_request
from perfpilot.config import ModelSettings
from tests.fakes.messages_api import FakeMessagesAPI, calls, tool_use
from tests.planners.planner_sessions import DESCRIPTIONS, INPUT_MODELS, make_session, result

SUBMIT = calls(tool_use("submit", {"bottlenecks": [], "top_targets": []}))


def planner(settings: ModelSettings) -> ClaudePlanner:
    return ClaudePlanner(
        settings, tool_descriptions=DESCRIPTIONS, input_models=INPUT_MODELS, sleep=lambda s: None
    )


@pytest.mark.parametrize("budget", [9_000, 12_000, 20_000, 200_000])
def test_max_tokens_fits_remaining_budget(
    fake_api: FakeMessagesAPI, settings: ModelSettings, tmp_path: Path, budget: int
) -> None:
    session = make_session(tmp_path, budget=budget)
    session.budget.charge(input_tokens=1_000)
    fake_api.script(SUBMIT)
    planner(settings).decide(session)
    body = fake_api.bodies[0]
    assert body["max_tokens"] + estimate_input_tokens(body) <= session.budget.remaining
    assert body["max_tokens"] >= MIN_OUTPUT_TOKENS


def test_tight_budget_forces_submit_once_a_skill_has_run(
    fake_api: FakeMessagesAPI, settings: ModelSettings, tmp_path: Path
) -> None:
    session = make_session(tmp_path, budget=20_000, results=[result("scan-logs", "3 slow endpoints")])
    full = fit_request(session, model=settings.model, descriptions=DESCRIPTIONS, available=20_000)
    assert not full.submit_only
    session.budget.charge(input_tokens=20_000 - full.estimated_input - 800)
    fake_api.script(SUBMIT)
    decision = planner(settings).decide(session)
    assert fake_api.bodies[0]["tool_choice"] == {"type": "tool", "name": "submit"}
    assert "submit forced" in decision.note


def test_no_ungrounded_submit_when_no_skill_could_run(
    fake_api: FakeMessagesAPI, settings: ModelSettings, tmp_path: Path
) -> None:
    session = make_session(tmp_path, budget=20_000)
    full = fit_request(session, model=settings.model, descriptions=DESCRIPTIONS, available=20_000)
    session.budget.charge(input_tokens=20_000 - full.estimated_input - 800)
    with pytest.raises(BudgetExhausted, match="not for calling a skill and then submitting"):
        planner(settings).decide(session)
    assert fake_api.received == []


def test_old_tool_results_are_cut_first(settings: ModelSettings, tmp_path: Path) -> None:
    big = "row " * 3_000
    results = [result("scan-logs", big, tokens=3_000), result("explain-query", big, tokens=3_000)]
    session = make_session(tmp_path, results=results)
    whole = estimate_input_tokens(
        build_request(
            session, model=settings.model, max_tokens=1, descriptions=DESCRIPTIONS, plan=RequestPlan()
        )
    )
    available = whole - 1_000  # one result has to go
    fitted = fit_request(session, model=settings.model, descriptions=DESCRIPTIONS, available=available)
    assert fitted.plan.cut_results == frozenset({0})
    assert fitted.plan.notes[0] == "cut output of scan-logs (call 1, 3000 tokens)"
    messages = fitted.body["messages"]
    assert "cut to fit the token budget" in messages[2]["content"][0]["content"]
    assert messages[4]["content"][0]["content"].startswith("row row")
    assert fitted.body["max_tokens"] + fitted.estimated_input <= available


def test_context_cut_lowest_impact_first_and_named(settings: ModelSettings, tmp_path: Path) -> None:
    from perfpilot.agents.session import ContextItem

    context = [
        ContextItem("low", "x " * 2_000, 0.1),
        ContextItem("high", "y " * 2_000, 0.9),
    ]
    session = make_session(tmp_path, context=context, must_submit=True)
    whole = estimate_input_tokens(
        build_request(
            session, model=settings.model, max_tokens=1, descriptions=DESCRIPTIONS, plan=RequestPlan()
        )
    )
    fitted = fit_request(session, model=settings.model, descriptions=DESCRIPTIONS, available=whole)
    assert fitted.plan.cut_context == frozenset({"low"})
    opening = fitted.body["messages"][0]["content"][0]["text"]
    assert '<evidence source="high">' in opening and '<evidence source="low">' not in opening
    assert "Left out to fit the token budget: low" in opening


def test_exhausted_budget_raises_before_any_request(
    fake_api: FakeMessagesAPI, settings: ModelSettings, tmp_path: Path
) -> None:
    session = make_session(tmp_path, budget=1_500)
    with pytest.raises(BudgetExhausted) as caught:
        planner(settings).decide(session)
    assert caught.value.remaining == 1_500 and caught.value.needed > 1_500
    assert fake_api.received == []


def test_reply_cut_by_budget_sized_max_tokens_is_budget_exhausted(
    fake_api: FakeMessagesAPI, settings: ModelSettings, tmp_path: Path
) -> None:
    from tests.fakes.messages_api import message

    fake_api.script(message([{"type": "text", "text": "Let me think"}], stop_reason="max_tokens"))
    session = make_session(tmp_path, budget=7_000)
    with pytest.raises(BudgetExhausted, match="max_tokens"):
        planner(settings).decide(session)
    assert len(fake_api.received) == 1


def test_correction_call_fits_what_the_first_call_left(
    fake_api: FakeMessagesAPI, settings: ModelSettings, tmp_path: Path
) -> None:
    fake_api.script(
        calls(tool_use("explain-query", {"query_id": ""}), input_tokens=3_000, output_tokens=100),
        calls(tool_use("explain-query", {"query_id": "q1"})),
    )
    session = make_session(tmp_path, budget=12_000)
    planner(settings).decide(session)
    correction = fake_api.bodies[1]
    left = 12_000 - 3_000 - 100
    assert correction["max_tokens"] + estimate_input_tokens(correction) <= left
    assert correction["max_tokens"] < fake_api.bodies[0]["max_tokens"]


def test_forced_submit_gets_room_to_write_the_artifact(settings: ModelSettings, tmp_path: Path) -> None:
    big = "row " * 3_000
    results = [result("scan-logs", big, tokens=3_000), result("explain-query", big, tokens=3_000)]
    session = make_session(tmp_path, results=results)

    def estimate(cut: frozenset[int]) -> int:
        plan = RequestPlan(cut_results=cut)
        return estimate_input_tokens(
            build_request(session, model=settings.model, max_tokens=1, descriptions=DESCRIPTIONS, plan=plan)
        )

    available = estimate(frozenset({0})) + 600  # one cut leaves 600 tokens: enough to call, not to submit
    fitted = fit_request(session, model=settings.model, descriptions=DESCRIPTIONS, available=available)
    assert fitted.plan.cut_results == frozenset({0, 1})
    assert SUBMIT_OUTPUT_TOKENS <= fitted.body["max_tokens"] <= available - fitted.estimated_input
