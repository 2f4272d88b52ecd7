"""Fitting a Claude request into the step's remaining budget: estimate, cut, size max_tokens."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from perfpilot.agents.planners.claude_errors import BudgetExhausted
from perfpilot.agents.planners.claude_messages import SUBMIT_TOOL, RequestPlan, build_request, offered_tools
from perfpilot.agents.session import StepSession
from perfpilot.agents.tokens import count_tokens

SAFETY_FACTOR = 1.15
TOOL_USE_OVERHEAD_TOKENS = 400
MIN_OUTPUT_TOKENS = 256
SUBMIT_OUTPUT_TOKENS = 1024
LAST_CALL_MARGIN = 1024
DEFAULT_MAX_OUTPUT_TOKENS = 8192


@dataclass(frozen=True)
class FittedRequest:
    """A request body that fits the budget, its estimated input tokens, and what was cut to get there."""

    body: dict[str, Any]
    estimated_input: int
    plan: RequestPlan
    submit_only: bool


def estimate_input_tokens(body: Mapping[str, Any]) -> int:
    """Input tokens a request will cost: cl100k over its JSON, padded for tokenizer drift and tool use."""
    parts = {key: body[key] for key in ("system", "tools", "messages") if key in body}
    text = json.dumps(parts, ensure_ascii=False, separators=(",", ":"))
    return math.ceil(count_tokens(text) * SAFETY_FACTOR) + TOOL_USE_OVERHEAD_TOKENS


def fit_request(
    session: StepSession,
    *,
    model: str,
    descriptions: Mapping[str, str],
    available: int,
    max_output_tokens: int = DEFAULT_MAX_OUTPUT_TOKENS,
) -> FittedRequest:
    """The request for this decision with max_tokens <= available - estimated input.

    Cuts the oldest tool results first, then the lowest-impact context items, and says so in the plan's notes,
    until MIN_OUTPUT_TOKENS are left to answer in (SUBMIT_OUTPUT_TOKENS when this must be the submit);
    raises BudgetExhausted when even the smallest request leaves less than MIN_OUTPUT_TOKENS.
    When what is left could not pay for one more request after this one, the model must submit now; if no
    skill has run yet, that would be an ungrounded artifact, so BudgetExhausted is raised instead."""
    cuts = [("result", str(i)) for i in range(len(session.results))]
    cuts += [("context", item.key) for item in sorted(session.context, key=lambda item: item.impact)]
    plan = RequestPlan()
    while True:
        body = build_request(session, model=model, max_tokens=1, descriptions=descriptions, plan=plan)
        estimate = estimate_input_tokens(body)
        room = available - estimate
        submit_only = session.must_submit or room < estimate + LAST_CALL_MARGIN
        ungrounded = not session.results and len(offered_tools(session)) > 1
        if submit_only and not session.must_submit and ungrounded:
            raise BudgetExhausted(
                f"step '{session.step.name}' has {available} tokens left: enough for one request of "
                f"~{estimate}, not for calling a skill and then submitting",
                remaining=available,
                needed=2 * estimate + LAST_CALL_MARGIN,
            )
        wanted = SUBMIT_OUTPUT_TOKENS if submit_only else MIN_OUTPUT_TOKENS
        if room >= wanted or (room >= MIN_OUTPUT_TOKENS and not cuts):
            body["max_tokens"] = min(max_output_tokens, room)
            if submit_only and not session.must_submit:
                body["tool_choice"] = {"type": "tool", "name": SUBMIT_TOOL}
                note = f"submit forced: {available} tokens left cannot hold another request after this one"
                plan = RequestPlan(plan.cut_results, plan.cut_context, (*plan.notes, note))
            return FittedRequest(body=body, estimated_input=estimate, plan=plan, submit_only=submit_only)
        if not cuts:
            raise BudgetExhausted(
                f"step '{session.step.name}' has {available} tokens left; the smallest request needs "
                f"~{estimate} plus {MIN_OUTPUT_TOKENS} to answer",
                remaining=available,
                needed=estimate + MIN_OUTPUT_TOKENS,
            )
        plan = _cut(plan, *cuts.pop(0), session)


def _cut(plan: RequestPlan, kind: str, key: str, session: StepSession) -> RequestPlan:
    if kind == "result":
        result = session.results[int(key)]
        note = f"cut output of {result.call.skill} (call {int(key) + 1}, {result.tokens} tokens)"
        return RequestPlan(plan.cut_results | {int(key)}, plan.cut_context, (*plan.notes, note))
    note = f"cut evidence {key}"
    return RequestPlan(plan.cut_results, plan.cut_context | {key}, (*plan.notes, note))
