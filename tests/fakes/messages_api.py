"""A local fake of the Anthropic Messages API (POST /v1/messages) on 127.0.0.1, scripted per test.

The only fake in perfpilot's tests: the real anthropic SDK talks to it over loopback HTTP via base_url.
Each request pops the next scripted Reply (or, with none queued, asks the responder, if one was given);
every request body and header set is kept for assertions. POST /v1/messages/count_tokens answers with
the `counter`'s count when one is given (kept apart, in `counted`), else 404 as an API without it would."""

from __future__ import annotations

import contextlib
import itertools
import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_ids = itertools.count(1)


@dataclass
class Reply:
    """One scripted answer. `raw` overrides `body`; `truncate` sends half the declared body then hangs up;
    `delay_s` waits before the status line; `trickle_s` pauses between body bytes."""

    status: int = 200
    body: dict[str, Any] | None = None
    raw: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    truncate: bool = False
    trickle_s: float = 0.0

    def payload(self) -> bytes:
        if self.raw is not None:
            return self.raw
        return json.dumps(self.body if self.body is not None else {}).encode()


@dataclass
class Received:
    """A request the fake received."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]


def message(
    content: list[dict[str, Any]],
    *,
    input_tokens: int = 1000,
    output_tokens: int = 50,
    stop_reason: str = "tool_use",
    model: str = "claude-sonnet-5-5",
) -> Reply:
    """A 200 reply holding a Message with these content blocks and usage figures."""
    return Reply(
        body={
            "id": f"msg_fake_{next(_ids)}",
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": content,
            "stop_reason": stop_reason,
            "stop_sequence": None,
            "usage": {"input_tokens": input_tokens, "output_tokens": output_tokens},
        }
    )


def tool_use(name: str, arguments: dict[str, Any], *, block_id: str | None = None) -> dict[str, Any]:
    """A tool_use content block."""
    block = block_id or f"toolu_fake_{next(_ids)}"
    return {"type": "tool_use", "id": block, "name": name, "input": arguments}


def calls(*blocks: dict[str, Any], input_tokens: int = 1000, output_tokens: int = 50) -> Reply:
    """A reply whose content is these tool_use blocks."""
    return message(list(blocks), input_tokens=input_tokens, output_tokens=output_tokens)


def error(status: int, kind: str, text: str, headers: dict[str, str] | None = None) -> Reply:
    """An API error reply in the Messages API's error shape."""
    return Reply(
        status=status,
        body={"type": "error", "error": {"type": kind, "message": text}},
        headers=dict(headers or {}),
    )


TOOL_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")


def request_problem(body: dict[str, Any]) -> str | None:
    """The invalid_request_error the real API would give this body, for the rules our planner relies on."""
    if not isinstance(body.get("max_tokens"), int) or body["max_tokens"] < 1:
        return "max_tokens: must be a positive integer"
    tools = {tool.get("name") for tool in body.get("tools", [])}
    if any(not TOOL_NAME.match(str(name)) for name in tools):
        return "tools: names must match ^[a-zA-Z0-9_-]{1,64}$"
    choice = body.get("tool_choice") or {}
    if choice.get("type") == "tool" and choice.get("name") not in tools:
        return f"tool_choice: tool {choice.get('name')!r} not in tools"
    messages = body.get("messages") or []
    if not messages or messages[0].get("role") != "user":
        return "messages: first message must use the user role"

    def blocks_of(msg: dict[str, Any]) -> list[dict[str, Any]]:
        content = msg.get("content")
        return [b for b in content if isinstance(b, dict)] if isinstance(content, list) else []

    for index, msg in enumerate(messages):
        blocks = blocks_of(msg)
        uses = [b["id"] for b in blocks if b.get("type") == "tool_use"]
        if uses:
            following = blocks_of(messages[index + 1]) if index + 1 < len(messages) else []
            answered = [b.get("tool_use_id") for b in following if b.get("type") == "tool_result"]
            if sorted(answered) != sorted(uses) and index + 1 < len(messages):
                return f"messages.{index + 1}: every tool_use needs a tool_result right after it"
        results = [b.get("tool_use_id") for b in blocks if b.get("type") == "tool_result"]
        if results:
            before = blocks_of(messages[index - 1]) if index > 0 else []
            known = {b.get("id") for b in before if b.get("type") == "tool_use"}
            if not set(results) <= known:
                return f"messages.{index}: tool_result without a matching tool_use just before"
            kinds = [b.get("type") for b in blocks]
            if kinds[: len(results)] != ["tool_result"] * len(results):
                return f"messages.{index}: tool_result blocks must come first"
    return None


class FakeMessagesAPI:
    """A threaded HTTP server answering POST /v1/messages from a queue of scripted replies."""

    def __init__(
        self,
        responder: Callable[[dict[str, Any]], Reply] | None = None,
        *,
        counter: Callable[[dict[str, Any]], int] | None = None,
    ) -> None:
        self.responder = responder
        self.counter = counter
        self.replies: deque[Reply] = deque()
        self.received: list[Received] = []
        self.counted: list[Received] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def script(self, *replies: Reply) -> None:
        self.replies.extend(replies)

    @property
    def bodies(self) -> list[dict[str, Any]]:
        return [r.body for r in self.received]

    def start(self) -> FakeMessagesAPI:
        self._thread.start()
        return self

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _next(self, received: Received) -> Reply:
        with self._lock:
            self.received.append(received)
            if self.replies:
                return self.replies.popleft()
        if self.responder is not None:
            try:
                return self.responder(received.body)
            except Exception as exc:  # a responder bug shows as an API error, not a hung client
                return error(500, "api_error", f"fake responder failed: {exc!r}")
        return error(500, "api_error", "fake: no scripted reply left")

    def _count(self, received: Received) -> Reply:
        with self._lock:
            self.counted.append(received)
        if self.counter is None:
            return error(404, "not_found_error", "fake: no token counting here")
        if (problem := request_problem({**received.body, "max_tokens": 1})) is not None:
            return error(400, "invalid_request_error", f"fake: {problem}")
        return Reply(body={"input_tokens": self.counter(received.body)})

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw or b"{}")
                except json.JSONDecodeError:
                    body = {"_unparsed": raw.decode(errors="replace")}
                received = Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                if self.path.rstrip("/") == "/v1/messages/count_tokens":
                    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                        self._send(fake._count(received))
                    return
                reply = fake._next(received)
                if self.path.rstrip("/") != "/v1/messages":
                    reply = error(404, "not_found_error", f"fake: no route {self.path}")
                elif (problem := request_problem(body)) is not None:
                    reply = error(400, "invalid_request_error", f"fake: {problem}")
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self._send(reply)

            def _send(self, reply: Reply) -> None:
                if reply.delay_s:
                    time.sleep(reply.delay_s)
                payload = reply.payload()
                self.send_response(reply.status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                self.send_header("request-id", f"req_fake_{next(_ids)}")
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                if reply.truncate:
                    self.wfile.write(payload[: len(payload) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                if reply.trickle_s:
                    for index in range(len(payload)):
                        self.wfile.write(payload[index : index + 1])
                        self.wfile.flush()
                        time.sleep(reply.trickle_s)
                    return
                self.wfile.write(payload)

        return Handler
