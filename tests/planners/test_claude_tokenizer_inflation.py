"""Budgets hold when the API counts 1.5x what cl100k counts: every step of the recorded example fits."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import structlog

from tests.fakes.judging_model import input_tokens, judge, judging_api
from tests.fakes.messages_api import FakeMessagesAPI, Reply
from tests.planners.recorded_example import ROOT, normalized, run_cli

INFLATION = 1.5


@pytest.fixture(autouse=True)
def at_repository_root(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.chdir(ROOT)
    yield
    structlog.reset_defaults()


def run_against(
    tmp_path: Path, *, counts: bool, margin: str | None = None, exit_code: int = 4
) -> tuple[dict[str, Any], Any]:
    api = judging_api(INFLATION, counts=counts).start()
    env = {"ANTHROPIC_API_KEY": "sk-ant-fake-0000", "ANTHROPIC_BASE_URL": api.base_url}
    if margin is not None:
        env["PERFPILOT_TOKEN_MARGIN"] = margin
    try:
        result = run_cli(tmp_path, env=env)
    finally:
        api.close()
    assert result.exit_code == exit_code, result.output
    return normalized(tmp_path), api


def assert_every_step_within_budget(report: dict[str, Any], api: Any) -> None:
    assert [s["name"] for s in report["steps"]] == ["profiling", "analysis", "optimization", "validation"]
    assert len(api.bodies) == 4
    for step, body in zip(report["steps"], api.bodies, strict=True):
        assert step["planner"] == "claude", step["notes"]
        assert step["model_calls"] == 1
        assert step["tokens_in"] == input_tokens(body, INFLATION)  # charged as the API reported
        assert input_tokens(body, INFLATION) + body["max_tokens"] <= step["token_budget"]
        assert step["tokens_used"] == step["tokens_in"] + step["tokens_out"] <= step["token_budget"]


def test_with_token_counting_every_step_fits_even_under_a_too_small_margin(tmp_path: Path) -> None:
    """A 1.15 margin underestimates a 1.5x tokenizer; the count before sending catches it and refits."""
    report, api = run_against(tmp_path, counts=True, margin="1.15")
    assert_every_step_within_budget(report, api)
    assert len(api.counted) > len(api.bodies)  # at least one request was counted, found too big, refitted
    sent = {repr(r.body["messages"]) for r in api.received}
    assert sent <= {repr(c.body["messages"]) for c in api.counted}  # nothing sent uncounted


def test_without_token_counting_the_default_margin_keeps_every_step_in_budget(tmp_path: Path) -> None:
    report, api = run_against(tmp_path, counts=False)
    assert_every_step_within_budget(report, api)
    assert len(api.counted) == 1  # asked once, refused (404): the margin ruled from then on


def test_a_margin_below_the_tokenizers_ratio_without_counting_is_caught_by_reported_usage(
    tmp_path: Path,
) -> None:
    """Without counts and with a 1.15 margin the first request overruns its step's budget, and the report
    says so (the run is incomplete); the planner learns the ratio from the usage the API reported, so every
    step after it fits."""
    report, api = run_against(tmp_path, counts=False, margin="1.15", exit_code=6)
    first = report["steps"][0]
    assert first["status"] == "budget_exhausted"
    assert first["tokens_used"] == first["tokens_in"] + first["tokens_out"] > first["token_budget"]
    assert any("over the step's budget" in note for note in first["notes"])
    for step, body in list(zip(report["steps"], api.bodies, strict=True))[1:]:
        assert step["planner"] == "claude", step["notes"]
        assert input_tokens(body, INFLATION) + body["max_tokens"] <= step["token_budget"]
        assert step["status"] == "ok" and step["tokens_used"] <= step["token_budget"]


def cached_judge(inflation: float) -> Any:
    """The judge, reporting most of its input as cache reads and writes (input_tokens is only the rest)."""

    def respond(body: dict[str, Any]) -> Reply:
        reply = judge(body, inflation)
        usage = reply.body["usage"]  # type: ignore[index]
        total = usage["input_tokens"]
        usage.update(input_tokens=10, cache_read_input_tokens=total // 2)
        usage["cache_creation_input_tokens"] = total - 10 - total // 2
        return reply

    return respond


@pytest.mark.parametrize(
    ("inflation", "counted_as", "cached"),
    [(2.0, 2.0, False), (3.0, 3.0, False), (1.5, 1.5, True), (1.5, 2.5, False)],
    ids=["2x", "3x", "1.5x-cached", "count-says-2.5x"],
)
def test_heavier_tokenizers_keep_every_step_within_budget_or_hand_it_to_the_offline_planner(
    tmp_path: Path, inflation: float, counted_as: float, cached: bool
) -> None:
    """With counting, a tokenizer counting 2x or 3x cl100k, usage split into cache reads and writes, or a
    count above what is then charged: no step overruns; a step whose smallest request cannot fit is said
    so and finished by the offline planner, never sent."""
    responder = cached_judge(inflation) if cached else (lambda body: judge(body, inflation))
    api = FakeMessagesAPI(responder=responder, counter=lambda body: input_tokens(body, counted_as)).start()
    env = {"ANTHROPIC_API_KEY": "sk-ant-fake-0000", "ANTHROPIC_BASE_URL": api.base_url}
    try:
        result = run_cli(tmp_path, env=env)
    finally:
        api.close()
    assert result.exit_code == 4, result.output
    report = normalized(tmp_path)
    bodies = iter(api.bodies)
    for step in report["steps"]:
        assert step["tokens_used"] == step["tokens_in"] + step["tokens_out"] <= step["token_budget"]
        assert step["status"] == "ok"
        if step["planner"] == "offline":
            assert step["model_calls"] == 0
            assert any("the smallest request needs" in note for note in step["notes"]), step["notes"]
            continue
        body = next(bodies)
        assert step["tokens_in"] == input_tokens(body, inflation)  # cache reads and writes are charged
        assert input_tokens(body, counted_as) + body["max_tokens"] <= step["token_budget"]
    assert next(bodies, None) is None


def test_a_count_below_the_charged_usage_is_caught_by_the_usage_and_the_overrun_said(tmp_path: Path) -> None:
    """The count endpoint says 1x cl100k and the API then charges 2x: the first step, sized on the count,
    overruns, and the report says so (budget_exhausted, tokens as charged, a note); the margin learned from
    the usage keeps every later step within budget, whatever the count says."""
    api = FakeMessagesAPI(
        responder=lambda body: judge(body, 2.0), counter=lambda body: input_tokens(body, 1.0)
    ).start()
    env = {"ANTHROPIC_API_KEY": "sk-ant-fake-0000", "ANTHROPIC_BASE_URL": api.base_url}
    try:
        result = run_cli(tmp_path, env=env)
    finally:
        api.close()
    assert result.exit_code == 6, result.output
    first, *later = normalized(tmp_path)["steps"]
    assert first["status"] == "budget_exhausted"
    assert first["tokens_used"] == first["tokens_in"] + first["tokens_out"] > first["token_budget"]
    assert any("over the step's budget" in note for note in first["notes"])
    for step, body in zip(later, api.bodies[1:], strict=True):
        assert step["planner"] == "claude" and step["status"] == "ok", step["notes"]
        assert input_tokens(body, 2.0) + body["max_tokens"] <= step["token_budget"]
