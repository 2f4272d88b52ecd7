"""The fake Messages API rejects malformed requests as the real one would, so passing tests mean something."""

from __future__ import annotations

from typing import Any

import anthropic
import pytest

from tests.fakes.messages_api import FakeMessagesAPI, calls, request_problem, tool_use

USE = {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_1", "name": "a", "input": {}}]}
RESULT = {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "ok"}]}
ASK = {"role": "user", "content": "hi"}


def body(messages: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"model": "m", "max_tokens": 10, "messages": messages, "tools": [{"name": "a"}], **extra}


@pytest.mark.parametrize(
    ("request_body", "problem"),
    [
        (body([ASK, USE, RESULT]), None),
        (body([USE, RESULT]), "first message"),
        (body([ASK, USE, ASK, RESULT]), "tool_result right after"),
        (body([ASK, RESULT]), "without a matching tool_use"),
        (body([ASK], max_tokens=0), "max_tokens"),
        (body([ASK], tool_choice={"type": "tool", "name": "submit"}), "not in tools"),
        (body([ASK], tools=[{"name": "bad name!"}]), "names must match"),
        (
            body(
                [ASK, USE, {"role": "user", "content": [{"type": "text", "text": "x"}, *RESULT["content"]]}]
            ),
            "must come first",
        ),
    ],
)
def test_request_rules(request_body: dict[str, Any], problem: str | None) -> None:
    found = request_problem(request_body)
    assert (found is None) if problem is None else (found is not None and problem in found)


def test_invalid_request_is_a_400_through_the_sdk(fake_api: FakeMessagesAPI) -> None:
    fake_api.script(calls(tool_use("a", {})))
    client = anthropic.Anthropic(api_key="sk-ant-x", base_url=fake_api.base_url, max_retries=0)
    with pytest.raises(anthropic.BadRequestError, match="first message"):
        client.messages.create(model="m", max_tokens=10, messages=[USE, RESULT])  # type: ignore[list-item]


def test_responder_answers_when_nothing_is_queued_and_its_failure_is_a_500() -> None:
    seen: list[dict[str, Any]] = []

    def respond(request: dict[str, Any]) -> Any:
        seen.append(request)
        if request["max_tokens"] > 10:
            raise RuntimeError("responder bug")
        return calls(tool_use("a", {"echo": request["max_tokens"]}))

    api = FakeMessagesAPI(responder=respond).start()
    try:
        client = anthropic.Anthropic(api_key="sk-ant-x", base_url=api.base_url, max_retries=0)
        tools: Any = [{"name": "a", "input_schema": {"type": "object"}}]
        reply = client.messages.create(model="m", max_tokens=7, messages=[ASK], tools=tools)
        assert reply.content[0].input == {"echo": 7}  # type: ignore[union-attr]
        with pytest.raises(anthropic.InternalServerError, match="responder bug"):
            client.messages.create(model="m", max_tokens=11, messages=[ASK], tools=tools)
    finally:
        api.close()
    assert [r["max_tokens"] for r in seen] == [7, 11]
