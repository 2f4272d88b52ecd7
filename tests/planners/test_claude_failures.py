"""Failure handling: at most 3 HTTP attempts, retry-after honoured, timeouts and broken bodies never hang."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfpilot.agents.planners.base import PlannerError, SkillCall
from perfpilot.agents.planners.claude import ClaudePlanner
from perfpilot.agents.planners.claude_client import MAX_BACKOFF_S, retry_after_s
from perfpilot.config import ModelSettings
from tests.fakes.messages_api import FakeMessagesAPI, Reply, calls, error, tool_use
from tests.planners.planner_sessions import DESCRIPTIONS, INPUT_MODELS, make_session

OK = calls(tool_use("scan-logs", {}))


def run(settings: ModelSettings, tmp_path: Path, sleeps: list[float]) -> tuple[SkillCall, ...]:
    planner = ClaudePlanner(
        settings, tool_descriptions=DESCRIPTIONS, input_models=INPUT_MODELS, sleep=sleeps.append
    )
    decision = planner.decide(make_session(tmp_path))
    return tuple(a for a in decision.actions if isinstance(a, SkillCall))


def test_429_waits_as_retry_after_says(
    fake_api: FakeMessagesAPI, settings: ModelSettings, tmp_path: Path
) -> None:
    fake_api.script(error(429, "rate_limit_error", "slow down", {"retry-after": "7"}), OK)
    sleeps: list[float] = []
    assert [a.skill for a in run(settings, tmp_path, sleeps)] == ["scan-logs"]
    assert sleeps == [7.0]
    assert len(fake_api.received) == 2
    assert fake_api.bodies[0] == fake_api.bodies[1]


def test_529_honours_retry_after_ms(
    fake_api: FakeMessagesAPI, settings: ModelSettings, tmp_path: Path
) -> None:
    fake_api.script(
        error(529, "overloaded_error", "Overloaded", {"retry-after-ms": "1500", "retry-after": "9"}),
        error(529, "overloaded_error", "Overloaded"),
        OK,
    )
    sleeps: list[float] = []
    run(settings, tmp_path, sleeps)
    assert sleeps == [1.5, 2.0]  # header first, then exponential backoff for attempt 2


def test_attempts_are_bounded_at_three(
    fake_api: FakeMessagesAPI, settings: ModelSettings, tmp_path: Path
) -> None:
    fake_api.script(*(error(529, "overloaded_error", "Overloaded") for _ in range(5)))
    sleeps: list[float] = []
    with pytest.raises(PlannerError, match="attempt 3: HTTP 529"):
        run(settings, tmp_path, sleeps)
    assert len(fake_api.received) == 3
    assert sleeps == [1.0, 2.0]
    assert all(r.headers.get("x-stainless-retry-count", "0") == "0" for r in fake_api.received)


def test_retry_after_beyond_cap_gives_up(
    fake_api: FakeMessagesAPI, settings: ModelSettings, tmp_path: Path
) -> None:
    fake_api.script(
        error(429, "rate_limit_error", "quota", {"retry-after": str(int(MAX_BACKOFF_S) + 60)}), OK
    )
    sleeps: list[float] = []
    with pytest.raises(PlannerError, match="more than the"):
        run(settings, tmp_path, sleeps)
    assert sleeps == [] and len(fake_api.received) == 1


def test_client_errors_are_not_retried(
    fake_api: FakeMessagesAPI, settings: ModelSettings, tmp_path: Path
) -> None:
    fake_api.script(error(400, "invalid_request_error", "prompt is too long"), OK)
    with pytest.raises(PlannerError, match="HTTP 400: prompt is too long"):
        run(settings, tmp_path, [])
    assert len(fake_api.received) == 1


def test_slow_response_times_out_each_attempt(fake_api: FakeMessagesAPI, tmp_path: Path) -> None:
    settings = ModelSettings.resolve(api_key="sk-ant-k", base_url=fake_api.base_url, timeout_s=0.2, env={})
    fake_api.script(*(Reply(body={}, delay_s=1.0) for _ in range(3)))
    sleeps: list[float] = []
    with pytest.raises(PlannerError, match="attempt 3: timed out"):
        run(settings, tmp_path, sleeps)
    assert len(fake_api.received) == 3 and len(sleeps) == 2


def test_trickling_body_hits_the_total_deadline(fake_api: FakeMessagesAPI, tmp_path: Path) -> None:
    settings = ModelSettings.resolve(
        api_key="sk-ant-k", base_url=fake_api.base_url, timeout_s=0.3, max_attempts=1, env={}
    )
    trickle = calls(tool_use("scan-logs", {}))
    trickle.trickle_s = 0.02  # every byte arrives well within the read timeout, the whole body does not
    fake_api.script(trickle)
    with pytest.raises(PlannerError, match="timed out"):
        run(settings, tmp_path, [])


def test_truncated_and_broken_bodies_are_retried(
    fake_api: FakeMessagesAPI, settings: ModelSettings, tmp_path: Path
) -> None:
    fake_api.script(
        Reply(body={"id": "msg_1", "content": [], "padding": "x" * 400}, truncate=True),
        Reply(raw=b'{"id": "msg_2", "type": "message", "content": [{"type": "tool_u'),
        OK,
    )
    sleeps: list[float] = []
    assert [a.skill for a in run(settings, tmp_path, sleeps)] == ["scan-logs"]
    assert len(fake_api.received) == 3 and sleeps == [1.0, 2.0]


def test_well_formed_json_that_is_not_a_message_is_retried(
    fake_api: FakeMessagesAPI, settings: ModelSettings, tmp_path: Path
) -> None:
    fake_api.script(Reply(body={"unexpected": True}), OK)
    assert [a.skill for a in run(settings, tmp_path, [])] == ["scan-logs"]


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after": "3"}, 3.0),
        ({"retry-after": "0.5"}, 0.5),
        ({"retry-after-ms": "250"}, 0.25),
        ({"retry-after": "Sat, 28 Nov 2026 14:00:10 GMT"}, 10.0),
        ({"retry-after": "later"}, None),
        ({}, None),
    ],
)
def test_retry_after_parsing(headers: dict[str, str], expected: float | None) -> None:
    now = 1795874400.0  # Sat, 28 Nov 2026 14:00:00 GMT
    assert retry_after_s(headers, now=now) == expected
