"""Fitting a Claude request into the step's remaining budget: estimate, cut, size max_tokens."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from perfpilot.agents.planners.claude_compact import result_text
from perfpilot.agents.planners.claude_errors import BudgetExhausted
from perfpilot.agents.planners.claude_messages import RequestPlan, build_request
from perfpilot.agents.session import StepSession
from perfpilot.agents.tokens import count_tokens
from perfpilot.config import DEFAULT_TOKEN_MARGIN

TOOL_USE_OVERHEAD_TOKENS = 400
MIN_OUTPUT_TOKENS = 256
SUBMIT_OUTPUT_TOKENS = 512
LAST_CALL_MARGIN = 1024
MIN_TRIMMED_TOKENS = 80
TRIM_SLACK_TOKENS = 16
BRIEF_NOTE = "tool descriptions cut to their first sentence to fit the budget"
DEFAULT_MAX_OUTPUT_TOKENS = 8192


@dataclass(frozen=True)
class FittedRequest:
    """A request body that fits the budget, its estimated input tokens, how it was shaped, and notes for
    people saying what was shortened or left out to get there."""

    body: dict[str, Any]
    estimated_input: int
    plan: RequestPlan
    submit_only: bool
    notes: tuple[str, ...] = ()


def cl100k_input_tokens(body: Mapping[str, Any]) -> int:
    """cl100k tokens of what a request sends as input (system, tools, messages as compact JSON)."""
    parts = {key: body[key] for key in ("system", "tools", "messages") if key in body}
    return count_tokens(json.dumps(parts, ensure_ascii=False, separators=(",", ":")))


def estimate_input_tokens(body: Mapping[str, Any], margin: float = DEFAULT_TOKEN_MARGIN) -> int:
    """Input tokens a request will cost: cl100k over its JSON times the tokenizer margin, plus tool use."""
    return math.ceil(cl100k_input_tokens(body) * margin) + TOOL_USE_OVERHEAD_TOKENS


def implied_margin(body: Mapping[str, Any], counted: int) -> float:
    """The API's count of this body's input tokens over cl100k's: a margin that, with the tool-use
    overhead added on top, over-estimates this request (so requests of any size fit after learning it)."""
    return max(1.0, counted / max(1, cl100k_input_tokens(body)))


def fit_request(
    session: StepSession,
    *,
    model: str,
    descriptions: Mapping[str, str],
    available: int,
    max_output_tokens: int = DEFAULT_MAX_OUTPUT_TOKENS,
    margin: float = DEFAULT_TOKEN_MARGIN,
) -> FittedRequest:
    """The request for this decision with max_tokens <= available - estimated input.

    Shrinks before it cuts: full tools, then brief tools (first-sentence descriptions, schemas without
    descriptions), as long as what is left after this request could still pay for one more (the model may
    call a skill, then submit). Otherwise this request must submit: the submit tool alone, the skill
    results sent as evidence, SUBMIT_OUTPUT_TOKENS to answer in; then the lowest-impact context items are
    cut, then the oldest results are shortened (their start, ids first, is kept) or cut; the notes name
    each. Input tokens are estimated with `margin` (see estimate_input_tokens). Raises BudgetExhausted
    when even the smallest request leaves less than MIN_OUTPUT_TOKENS."""
    if not session.must_submit:
        for plan in (RequestPlan(), RequestPlan(brief=True, notes=(BRIEF_NOTE,))):
            body, estimate = _measure(session, model, descriptions, plan, margin)
            room = available - estimate
            if room >= estimate + LAST_CALL_MARGIN:
                body["max_tokens"] = min(max_output_tokens, room)
                return FittedRequest(body, estimate, plan, submit_only=False, notes=plan.notes)
    forced = (
        ()
        if session.must_submit
        else (f"submit forced: {available} tokens left cannot hold another request after this one",)
    )
    plan = RequestPlan(brief=True, submit_only=True, notes=forced)
    cuts = [("context", item.key) for item in sorted(session.context, key=lambda item: item.impact)]
    for index in range(len(session.results)):
        cuts += [("trim", str(index)), ("result", str(index))]
    while True:
        body, estimate = _measure(session, model, descriptions, plan, margin)
        room = available - estimate
        if room >= SUBMIT_OUTPUT_TOKENS or (room >= MIN_OUTPUT_TOKENS and not cuts):
            body["max_tokens"] = min(max_output_tokens, room)
            notes = (*plan.notes, *_left_out(plan, session))
            return FittedRequest(body, estimate, plan, submit_only=True, notes=notes)
        if not cuts:
            raise BudgetExhausted(
                f"step '{session.step.name}' has {available} tokens left; the smallest request needs "
                f"~{estimate} plus {MIN_OUTPUT_TOKENS} to answer",
                remaining=available,
                needed=estimate + MIN_OUTPUT_TOKENS,
            )
        kind, key = cuts.pop(0)
        if kind != "trim":
            plan = _cut(plan, kind, key)
        elif (
            trimmed := _trim(plan, int(key), session, deficit=SUBMIT_OUTPUT_TOKENS - room, margin=margin)
        ) is not None:
            plan = trimmed
            cuts.insert(0, (kind, key))  # trim further while that still leaves a useful part


def _measure(
    session: StepSession, model: str, descriptions: Mapping[str, str], plan: RequestPlan, margin: float
) -> tuple[dict[str, Any], int]:
    body = build_request(session, model=model, max_tokens=1, descriptions=descriptions, plan=plan)
    return body, estimate_input_tokens(body, margin)


def _cut(plan: RequestPlan, kind: str, key: str) -> RequestPlan:
    if kind == "result":
        return replace(plan, cut_results=plan.cut_results | {int(key)})
    return replace(plan, cut_context=plan.cut_context | {key})


def _trim(
    plan: RequestPlan, index: int, session: StepSession, *, deficit: int, margin: float
) -> RequestPlan | None:
    """The result shortened by the deficit (its start kept); None if under MIN_TRIMMED_TOKENS would stay."""
    current = plan.limit_of(index) or count_tokens(result_text(session.results[index]))
    keep = current - math.ceil(deficit / margin) - TRIM_SLACK_TOKENS
    if keep < MIN_TRIMMED_TOKENS:
        return None
    others = tuple((i, limit) for i, limit in plan.trimmed if i != index)
    return replace(plan, trimmed=(*others, (index, keep)))


def _left_out(plan: RequestPlan, session: StepSession) -> list[str]:
    items = [
        *sorted(plan.cut_context),
        *(f"result of {session.results[i].call.skill}" for i in sorted(plan.cut_results)),
    ]
    notes = ["left out of the request to fit the budget: " + ", ".join(items)] if items else []
    trimmed = [
        f"{session.results[i].call.skill} to {limit} tokens"
        for i, limit in plan.trimmed
        if i not in plan.cut_results
    ]
    return notes + (["results cut to fit the budget: " + ", ".join(trimmed)] if trimmed else [])
