"""A scripted stand-in for a sensible model: it reads the ids it was shown and submits a judgement.

Used by the fake Messages API when no reply is queued. Usage is reported as the real API would count
it: input tokens of the request (system, tools, messages) plus the tool-use system prompt the API adds,
output tokens of the reply's content, both as cl100k counts them times an `inflation` (1.0 by default;
1.5 stands for a tokenizer counting half as many tokens again, as Claude's may). Run
`python -m tests.fakes.judging_model` to serve it on loopback."""

from __future__ import annotations

import argparse
import json
import math
import re
import time
from collections.abc import Callable
from typing import Any

from perfpilot.agents.tokens import count_tokens
from tests.fakes.messages_api import FakeMessagesAPI, Reply, message, tool_use

# Anthropic documents a tool-use system prompt of 313 tokens (tool_choice any/tool) on current models.
TOOL_USE_SYSTEM_TOKENS = 313
ID = re.compile(r"\b(bn|db|cost|edge|img|chg)-[0-9a-f]{10}\b")
DRAFT_CHANGE = re.compile(
    r'\{\\?"id\\?":\\?"(chg-[0-9a-f]{10})\\?",\\?"finding\\?":\\?"([a-z]+-[0-9a-f]{10})'
)


def input_tokens(body: dict[str, Any], inflation: float = 1.0) -> int:
    """Input tokens of a request as the fake reports them (and counts them at /v1/messages/count_tokens)."""
    parts = {key: body[key] for key in ("system", "tools", "messages") if key in body}
    text = json.dumps(parts, ensure_ascii=False, separators=(",", ":"))
    return math.ceil(count_tokens(text) * inflation) + (TOOL_USE_SYSTEM_TOKENS if body.get("tools") else 0)


def _shown_ids(body: dict[str, Any], prefix: tuple[str, ...]) -> list[str]:
    """Ids the request shows, in order of first appearance (skill results list findings by impact)."""
    text = json.dumps(body.get("messages", []), ensure_ascii=False)
    seen: dict[str, None] = {}
    for match in ID.finditer(text):
        if match.group(1) in prefix:
            seen.setdefault(match.group(0), None)
    return list(seen)


def _by_impact(body: dict[str, Any]) -> list[str]:
    """Change ids of the draft plan, ordered by where their finding first shows (findings come by impact)."""
    text = json.dumps(body.get("messages", []), ensure_ascii=False)
    changes = DRAFT_CHANGE.findall(text)
    return [change for change, finding in sorted(changes, key=lambda pair: text.find(pair[1]))]


def judgement(body: dict[str, Any]) -> dict[str, Any]:
    """The judgement a careful model would submit for the step the submit tool's schema reveals."""
    submit = next(t for t in body["tools"] if t["name"] == "submit")
    fields = set(submit["input_schema"].get("properties", {}))
    if "top_targets" in fields:
        return {"top_targets": _shown_ids(body, ("bn",))[:3], "notes": ["Ranked by measured impact."]}
    if "priorities" in fields:
        ids = _shown_ids(body, ("db", "cost", "edge", "img"))
        priorities = {i: "high" for i in ids[:3]}
        return {"priorities": priorities, "summary": "The three highest-impact findings come first."}
    if "order" in fields:
        return {"order": _by_impact(body)[:3], "notes": ["Highest-impact changes first."]}
    return {"notes": ["Compared against the SLO targets."]}


def judge(body: dict[str, Any], inflation: float = 1.0) -> Reply:
    """Submit a judgement, with usage counted over the request and the reply."""
    block = tool_use("submit", judgement(body))
    out = math.ceil(count_tokens(json.dumps([block], separators=(",", ":"))) * inflation)
    return message([block], input_tokens=input_tokens(body, inflation), output_tokens=out)


def judging_api(inflation: float = 1.0, *, counts: bool = True) -> FakeMessagesAPI:
    """The fake serving this judge, reporting usage (and, with `counts`, token counts) x `inflation`."""
    responder: Callable[[dict[str, Any]], Reply] = lambda body: judge(body, inflation)  # noqa: E731
    counter: Callable[[dict[str, Any]], int] = lambda body: input_tokens(body, inflation)  # noqa: E731
    return FakeMessagesAPI(responder=responder, counter=counter if counts else None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=300.0, help="stop serving after this long")
    args = parser.parse_args()
    api = judging_api().start()
    print(api.base_url, flush=True)
    try:
        time.sleep(args.seconds)
    finally:
        api.close()


if __name__ == "__main__":
    main()
