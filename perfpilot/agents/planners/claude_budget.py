"""Fitting a Claude request into the step's remaining budget: estimate, cut, size max_tokens."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from perfpilot.agents.planners.claude_errors import BudgetExhausted
from perfpilot.agents.planners.claude_messages import RequestPlan, build_request
from perfpilot.agents.session import StepSession
from perfpilot.agents.tokens import count_tokens

SAFETY_FACTOR = 1.15
TOOL_USE_OVERHEAD_TOKENS = 400
MIN_OUTPUT_TOKENS = 256
SUBMIT_OUTPUT_TOKENS = 512
LAST_CALL_MARGIN = 1024
BRIEF_NOTE = "tool descriptions cut to their first sentence to fit the budget"
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

    Shrinks before it cuts: full tools, then brief tools (first-sentence descriptions, schemas without
    descriptions), as long as what is left after this request could still pay for one more (the model may
    call a skill, then submit). Otherwise this request must submit: the submit tool alone, the skill
    results sent as evidence, SUBMIT_OUTPUT_TOKENS to answer in; then the lowest-impact context items and
    the oldest results are cut, each named in the plan's notes. Raises BudgetExhausted when even the
    smallest request leaves less than MIN_OUTPUT_TOKENS."""
    if not session.must_submit:
        for plan in (RequestPlan(), RequestPlan(brief=True, notes=(BRIEF_NOTE,))):
            body, estimate = _measure(session, model, descriptions, plan)
            room = available - estimate
            if room >= estimate + LAST_CALL_MARGIN:
                body["max_tokens"] = min(max_output_tokens, room)
                return FittedRequest(body=body, estimated_input=estimate, plan=plan, submit_only=False)
    forced = (
        ()
        if session.must_submit
        else (f"submit forced: {available} tokens left cannot hold another request after this one",)
    )
    plan = RequestPlan(brief=True, submit_only=True, notes=forced)
    cuts = [("context", item.key) for item in sorted(session.context, key=lambda item: item.impact)]
    cuts += [("result", str(i)) for i in range(len(session.results))]
    while True:
        body, estimate = _measure(session, model, descriptions, plan)
        room = available - estimate
        if room >= SUBMIT_OUTPUT_TOKENS or (room >= MIN_OUTPUT_TOKENS and not cuts):
            body["max_tokens"] = min(max_output_tokens, room)
            return FittedRequest(body=body, estimated_input=estimate, plan=plan, submit_only=True)
        if not cuts:
            raise BudgetExhausted(
                f"step '{session.step.name}' has {available} tokens left; the smallest request needs "
                f"~{estimate} plus {MIN_OUTPUT_TOKENS} to answer",
                remaining=available,
                needed=estimate + MIN_OUTPUT_TOKENS,
            )
        plan = _cut(plan, *cuts.pop(0), session)


def _measure(
    session: StepSession, model: str, descriptions: Mapping[str, str], plan: RequestPlan
) -> tuple[dict[str, Any], int]:
    body = build_request(session, model=model, max_tokens=1, descriptions=descriptions, plan=plan)
    return body, estimate_input_tokens(body)


def _cut(plan: RequestPlan, kind: str, key: str, session: StepSession) -> RequestPlan:
    if kind == "result":
        result = session.results[int(key)]
        note = f"cut output of {result.call.skill} (call {int(key) + 1})"
        return replace(plan, cut_results=plan.cut_results | {int(key)}, notes=(*plan.notes, note))
    return replace(plan, cut_context=plan.cut_context | {key}, notes=(*plan.notes, f"cut evidence {key}"))
