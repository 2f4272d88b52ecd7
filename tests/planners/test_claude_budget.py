"""Budgets: max_tokens never exceeds what the step has left; requests shrink, then cut; too little raises."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from perfpilot.agents.planners.claude import ClaudePlanner
from perfpilot.agents.planners.claude_budget import (
    BRIEF_NOTE,
    LAST_CALL_MARGIN,
    MIN_OUTPUT_TOKENS,
    SUBMIT_OUTPUT_TOKENS,
    estimate_input_tokens,
    fit_request,
)
from perfpilot.agents.planners.claude_errors import BudgetExhausted
from perfpilot.agents.planners.claude_messages import RequestPlan, build_request
from perfpilot.agents.session import ContextItem, StepSession
from perfpilot.config import DEFAULT_TOKEN_MARGIN, ModelSettings
from tests.fakes.messages_api import FakeMessagesAPI, calls, tool_use
from tests.planners.planner_sessions import DESCRIPTIONS, INPUT_MODELS, SKILLS, make_session, result

SUBMIT = calls(tool_use("submit", {"top_targets": [], "notes": ["quiet"]}))
LONG_DESCRIPTIONS = {
    name: f"{text} It reads the recorded evidence and never writes. " + "More detail. " * 40
    for name, text in DESCRIPTIONS.items()
}


def planner(settings: ModelSettings) -> ClaudePlanner:
    return ClaudePlanner(
        settings, tool_descriptions=DESCRIPTIONS, input_models=INPUT_MODELS, sleep=lambda s: None
    )


def estimate(session: StepSession, plan: RequestPlan, descriptions: dict[str, str] = DESCRIPTIONS) -> int:
    return estimate_input_tokens(
        build_request(session, model="m", max_tokens=1, descriptions=descriptions, plan=plan)
    )


@pytest.mark.parametrize("budget", [2_500, 4_000, 9_000, 200_000])
def test_max_tokens_fits_remaining_budget(
    fake_api: FakeMessagesAPI, settings: ModelSettings, tmp_path: Path, budget: int
) -> None:
    session = make_session(tmp_path, budget=budget, results=[result("scan-logs", "3 slow endpoints")])
    session.budget.charge(input_tokens=1_000)
    fake_api.script(SUBMIT)
    planner(settings).decide(session)
    body = fake_api.bodies[0]
    assert body["max_tokens"] + estimate_input_tokens(body) <= session.budget.remaining
    assert body["max_tokens"] >= MIN_OUTPUT_TOKENS


def test_roomy_budget_sends_full_tools(settings: ModelSettings, tmp_path: Path) -> None:
    session = make_session(tmp_path)
    fitted = fit_request(session, model="m", descriptions=LONG_DESCRIPTIONS, available=40_000)
    assert fitted.plan == RequestPlan() and not fitted.submit_only
    assert [t["description"] for t in fitted.body["tools"][:2]] == [LONG_DESCRIPTIONS[s] for s in SKILLS]
    assert fitted.body["tool_choice"] == {"type": "any"}


def test_tighter_budget_sends_first_sentences_and_lean_schemas(tmp_path: Path) -> None:
    session = make_session(tmp_path)
    full = estimate(session, RequestPlan(), LONG_DESCRIPTIONS)
    brief = estimate(session, RequestPlan(brief=True), LONG_DESCRIPTIONS)
    available = 2 * brief + LAST_CALL_MARGIN + 10  # room for two brief requests, not two full ones
    assert 2 * full + LAST_CALL_MARGIN > available
    fitted = fit_request(session, model="m", descriptions=LONG_DESCRIPTIONS, available=available)
    assert fitted.plan.brief and not fitted.submit_only and fitted.notes == (BRIEF_NOTE,)
    tools = fitted.body["tools"]
    assert [t["name"] for t in tools] == [*SKILLS, "submit"]
    assert tools[0]["description"] == "Explain one query shape's plan."
    assert "description" not in tools[0]["input_schema"]["properties"]["query_id"]
    assert tools[0]["input_schema"]["required"] == ["query_id"]


def test_tight_budget_sends_the_submit_tool_alone_with_results_as_evidence(
    fake_api: FakeMessagesAPI, settings: ModelSettings, tmp_path: Path
) -> None:
    session = make_session(tmp_path, budget=20_000, results=[result("scan-logs", "3 slow endpoints")])
    brief = estimate(session, RequestPlan(brief=True))
    session.budget.charge(input_tokens=20_000 - 2 * brief)  # one request fits, two do not
    fake_api.script(SUBMIT)
    decision = planner(settings).decide(session)
    body = fake_api.bodies[0]
    assert [t["name"] for t in body["tools"]] == ["submit"]
    assert body["tool_choice"] == {"type": "tool", "name": "submit"}
    assert len(body["messages"]) == 1  # no tool history: the result is evidence in the opening turn
    opening = body["messages"][0]["content"][0]["text"]
    assert '<evidence source="skill:scan-logs">\n3 slow endpoints\n</evidence>' in opening
    assert "submit forced" in decision.note


def test_tight_budget_without_results_still_submits_a_judgement(
    fake_api: FakeMessagesAPI, settings: ModelSettings, tmp_path: Path
) -> None:
    session = make_session(tmp_path, budget=20_000)
    session.budget.charge(input_tokens=20_000 - 2 * estimate(session, RequestPlan(brief=True)))
    fake_api.script(SUBMIT)
    decision = planner(settings).decide(session)
    assert [t["name"] for t in fake_api.bodies[0]["tools"]] == ["submit"]
    assert decision.actions and decision.usage is not None


def test_must_submit_cuts_lowest_impact_context_first_then_oldest_results(tmp_path: Path) -> None:
    context = [ContextItem("low", "x " * 2_000, 0.1), ContextItem("high", "y " * 2_000, 0.9)]
    big = "row " * 3_000
    results = [result("scan-logs", big, tokens=3_000), result("explain-query", big, tokens=3_000)]
    session = make_session(tmp_path, context=context, results=results, must_submit=True)
    submit = RequestPlan(brief=True, submit_only=True)
    whole = estimate(session, submit)
    after_low = estimate(session, RequestPlan(brief=True, submit_only=True, cut_context=frozenset({"low"})))
    available = after_low + SUBMIT_OUTPUT_TOKENS + 10  # the low-impact item must go, nothing else
    assert whole + SUBMIT_OUTPUT_TOKENS > available
    fitted = fit_request(session, model="m", descriptions=DESCRIPTIONS, available=available)
    assert fitted.plan.cut_context == frozenset({"low"}) and fitted.plan.cut_results == frozenset()
    assert fitted.notes == ("left out of the request to fit the budget: low",)
    opening = fitted.body["messages"][0]["content"][0]["text"]
    assert '<evidence source="high">' in opening and '<evidence source="low">' not in opening
    assert "Left out to fit the token budget: low" in opening

    scale = DEFAULT_TOKEN_MARGIN / 1.15  # the cuts below were sized for a 1.15 margin
    tighter_by = round(2_600 * scale)
    tighter = fit_request(session, model="m", descriptions=DESCRIPTIONS, available=available - tighter_by)
    assert tighter.plan.cut_context == frozenset({"low", "high"}) and not tighter.plan.cut_results
    kept = tighter.plan.limit_of(0)
    assert kept is not None and 80 <= kept < 3_000 and tighter.plan.limit_of(1) is None
    assert tighter.notes == (
        "left out of the request to fit the budget: high, low",
        f"results cut to fit the budget: scan-logs to {kept} tokens",
    )
    opening = tighter.body["messages"][0]["content"][0]["text"]
    assert re.search(
        r'<evidence source="skill:scan-logs">\n(row )+row?\n\[\.\.\. cut to fit the budget\]', opening
    )
    room = available - tighter_by - tighter.estimated_input
    assert SUBMIT_OUTPUT_TOKENS <= tighter.body["max_tokens"] <= room

    tightest_available = available - round(6_000 * scale)
    tightest = fit_request(session, model="m", descriptions=DESCRIPTIONS, available=tightest_available)
    assert tightest.plan.cut_results == frozenset({0})  # too little would have stayed of it: cut whole
    assert "result of scan-logs" in tightest.body["messages"][0]["content"][0]["text"]


def test_exhausted_budget_raises_before_any_request(
    fake_api: FakeMessagesAPI, settings: ModelSettings, tmp_path: Path
) -> None:
    session = make_session(tmp_path, budget=40_000)
    smallest = estimate(
        session,
        RequestPlan(
            brief=True,
            submit_only=True,
            cut_context=frozenset(item.key for item in session.context),
        ),
    )
    session.budget.charge(input_tokens=40_000 - smallest - MIN_OUTPUT_TOKENS + 1)
    with pytest.raises(BudgetExhausted) as caught:
        planner(settings).decide(session)
    assert caught.value.remaining == session.budget.remaining
    assert caught.value.needed > caught.value.remaining
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
