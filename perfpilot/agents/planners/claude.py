"""ClaudePlanner: one planner for every step, reasoning with Claude inside the step's token budget."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from typing import Any

import anthropic
import structlog
from pydantic import BaseModel

from perfpilot.agents.planners.base import Decision, PlannerError, Usage
from perfpilot.agents.planners.claude_actions import ReadActions, read_actions
from perfpilot.agents.planners.claude_budget import (
    DEFAULT_MAX_OUTPUT_TOKENS,
    MIN_OUTPUT_TOKENS,
    FittedRequest,
    estimate_input_tokens,
    fit_request,
    implied_margin,
)
from perfpilot.agents.planners.claude_client import ModelCaller, ModelReply, counted_fields, create_client
from perfpilot.agents.planners.claude_errors import BudgetExhausted, ClaudePlannerError, InvalidToolCalls
from perfpilot.agents.planners.claude_messages import assistant_turn, correction_turn
from perfpilot.agents.planners.recording import Recorder, ReplayMissing
from perfpilot.agents.session import StepSession
from perfpilot.config import ModelSettings
from perfpilot.skills.registry import SkillRegistry

log = structlog.get_logger(__name__)

MAX_REFITS = 3
MARGIN_STEP = 1.05  # a refit raises the margin by at least this factor, so it converges in a few counts
# Anthropic: "the token count should be considered an estimate ... may differ by a small amount".
COUNT_SLACK = 1.02

MISSING_KEY = (
    "--planner claude needs ANTHROPIC_API_KEY (set it in the environment, or use --replay DIR "
    "to replay a recorded run, or --planner offline)"
)


class ClaudePlanner:
    """Planner backed by the Messages API: skills as tools plus `submit`, evidence sent as data."""

    name = "claude"

    def __init__(
        self,
        settings: ModelSettings,
        *,
        client: anthropic.Anthropic | None = None,
        recorder: Recorder | None = None,
        tool_descriptions: Mapping[str, str] | None = None,
        input_models: Mapping[str, type[BaseModel]] | None = None,
        max_output_tokens: int = DEFAULT_MAX_OUTPUT_TOKENS,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        replaying = recorder is not None and recorder.replaying
        if settings.api_key is None and not replaying:
            raise PlannerError(MISSING_KEY)
        if client is None:
            client = create_client(settings, transport=recorder.transport() if recorder else None)
        self.settings = settings
        self._client = client
        self._caller = ModelCaller(client, settings, sleep=sleep)
        self._recorder = recorder
        self._descriptions = dict(tool_descriptions or {})
        self._input_models = dict(input_models or {})
        self._max_output = max_output_tokens
        # The API counts requests when it can be asked: with a key, or from the counts a recording kept.
        self._counting = settings.api_key is not None or replaying
        self._margin = settings.token_margin
        self.replay_missing: ReplayMissing | None = None

    @classmethod
    def for_registry(
        cls,
        settings: ModelSettings,
        registry: SkillRegistry,
        *,
        recorder: Recorder | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> ClaudePlanner:
        """A planner whose tools carry each skill's SKILL.md description and input-model validation."""
        return cls(
            settings,
            recorder=recorder,
            tool_descriptions={skill.name: skill.description for skill in registry},
            input_models={skill.name: skill.skill.input_model for skill in registry},
            sleep=sleep,
        )

    def close(self) -> None:
        """Release the HTTP connections."""
        self._client.close()

    def decide(self, session: StepSession) -> Decision:
        """One model call (two when a tool call must be corrected); usage is what the API reported."""
        fitted = self._fit(session, session.budget.remaining)
        for note in fitted.notes:
            log.info("request_shaped", step=session.step.name, note=note)
        body = fitted.body
        reply = self._call(session, body)
        usage = _usage_of(reply)
        self._learn(body, usage.input_tokens)
        read = self._read(session, reply, body, usage, fitted.submit_only)
        if read.problems:
            body, reply = self._correct(session, body, reply, read, usage)
            usage = _add(usage, _usage_of(reply))
            read = self._read(session, reply, body, usage, fitted.submit_only)
            if read.problems:
                raise InvalidToolCalls(
                    f"Claude's tool calls in step '{session.step.name}' were invalid twice: "
                    + " | ".join(read.problems.values()),
                    usage=usage,
                )
        notes = list(fitted.notes)
        if read.ignored:
            notes.append("ignored skill calls made alongside submit: " + ", ".join(read.ignored))
        return Decision(actions=tuple(read.actions), usage=usage, note="; ".join(notes))

    def _fit(self, session: StepSession, available: int) -> FittedRequest:
        """The request sized with the tokenizer margin, then checked with the API's own count: when the
        count leaves less than max_tokens, the margin rises to what the count implies and the request is
        fitted again; max_tokens never exceeds what the count leaves."""
        over = 0  # the API's count of the last request found too big
        for _ in range(MAX_REFITS):
            fitted = fit_request(
                session,
                model=self.settings.model,
                descriptions=self._descriptions,
                available=available,
                max_output_tokens=self._max_output,
                margin=self._margin,
            )
            counted = self._count(fitted.body)
            if counted is None:
                return fitted
            counted = math.ceil(counted * COUNT_SLACK)
            if counted + fitted.body["max_tokens"] <= available:
                return fitted
            over = counted
            self._learn(fitted.body, counted, at_least=self._margin * MARGIN_STEP)
            log.info("token_margin_raised", step=session.step.name, counted=counted, margin=self._margin)
        room = available - over
        if room < MIN_OUTPUT_TOKENS:
            raise BudgetExhausted(
                f"step '{session.step.name}' has {available} tokens left; the API counts {over} input "
                f"tokens in the smallest request, plus {MIN_OUTPUT_TOKENS} to answer",
                remaining=available,
                needed=over + MIN_OUTPUT_TOKENS,
            )
        fitted.body["max_tokens"] = min(fitted.body["max_tokens"], room)
        return fitted

    def _count(self, body: dict[str, Any]) -> int | None:
        """The API's count of the request's input tokens, when it can be asked (kept in a recording)."""
        if not self._counting:
            return None
        counted = self._caller.count_input_tokens(body)
        if counted is None:
            self._counting = False  # asked once, refused: the margin (and reported usage) rule from here on
            log.warning("token_counting_unavailable", margin=self._margin)
            return None
        if self._recorder is not None:
            self._recorder.counted(counted_fields(body), counted)
        return counted

    def _learn(self, body: dict[str, Any], input_tokens: int, *, at_least: float = 1.0) -> None:
        """Raise the margin to what the API's count (or reported usage) of this request implies."""
        self._margin = max(self._margin, at_least, implied_margin(body, input_tokens))

    def _call(self, session: StepSession, body: dict[str, Any]) -> ModelReply:
        try:
            key = self._recorder.start(session.step.name, body) if self._recorder else None
        except ReplayMissing as exc:
            self.replay_missing = exc  # not a PlannerError: a replay never falls back to the offline planner
            raise
        reply = self._caller.call(body)
        if self._recorder is not None and key is not None:
            self._recorder.finish(key, body, reply.raw)
        log.info(
            "model_call",
            step=session.step.name,
            attempts=reply.attempts,
            max_tokens=body["max_tokens"],
            input_tokens=reply.message.usage.input_tokens,
            output_tokens=reply.message.usage.output_tokens,
            stop_reason=reply.message.stop_reason,
        )
        return reply

    def _read(
        self, session: StepSession, reply: ModelReply, body: dict[str, Any], usage: Usage, submit_only: bool
    ) -> ReadActions:
        read = read_actions(reply.message, session, self._input_models, submit_only=submit_only)
        if reply.message.stop_reason == "max_tokens" and read.problems:
            limit = body["max_tokens"]
            message = f"Claude's reply in step '{session.step.name}' was cut at max_tokens={limit}"
            if body["max_tokens"] < self._max_output:
                raise BudgetExhausted(
                    message, remaining=session.budget.remaining - usage_total(usage), needed=0, usage=usage
                )
            raise ClaudePlannerError(message, usage=usage)
        return read

    def _correct(
        self, session: StepSession, body: dict[str, Any], reply: ModelReply, read: ReadActions, usage: Usage
    ) -> tuple[dict[str, Any], ModelReply]:
        """Send the refusals / validation errors back once, within what the budget has left."""
        correction = correction_turn(reply.message, read.problems)
        messages = [*body["messages"], assistant_turn(reply.message), correction]
        corrected = {**body, "messages": messages}
        left = session.budget.remaining - usage_total(usage)
        counted = self._count(corrected)
        needed = estimate_input_tokens(corrected, self._margin) if counted is None else counted * COUNT_SLACK
        room = left - math.ceil(needed)
        if room < MIN_OUTPUT_TOKENS:
            raise BudgetExhausted(
                f"no budget left in step '{session.step.name}' to correct: "
                + " | ".join(read.problems.values()),
                remaining=left,
                needed=left - room + MIN_OUTPUT_TOKENS,
                usage=usage,
            )
        corrected["max_tokens"] = min(self._max_output, room)
        log.warning("correcting_tool_calls", step=session.step.name, problems=list(read.problems.values()))
        try:
            return corrected, self._call(session, corrected)
        except ClaudePlannerError as exc:
            raise ClaudePlannerError(str(exc), usage=usage) from exc


def usage_total(usage: Usage) -> int:
    return usage.input_tokens + usage.output_tokens


def _usage_of(reply: ModelReply) -> Usage:
    reported = reply.message.usage
    input_tokens = (
        reported.input_tokens
        + (reported.cache_creation_input_tokens or 0)
        + (reported.cache_read_input_tokens or 0)
    )
    return Usage(input_tokens=input_tokens, output_tokens=reported.output_tokens, model_calls=1)


def _add(a: Usage, b: Usage) -> Usage:
    return Usage(
        a.input_tokens + b.input_tokens, a.output_tokens + b.output_tokens, a.model_calls + b.model_calls
    )
