"""A local fake of the Anthropic Messages API (POST /v1/messages) on 127.0.0.1, scripted per test.

The only fake in perfpilot's tests: the real anthropic SDK talks to it over loopback HTTP via base_url.
Each request pops the next scripted Reply; every request body and header set is kept for assertions."""

from __future__ import annotations

import contextlib
import itertools
import json
import threading
import time
from collections import deque
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


class FakeMessagesAPI:
    """A threaded HTTP server answering POST /v1/messages from a queue of scripted replies."""

    def __init__(self) -> None:
        self.replies: deque[Reply] = deque()
        self.received: list[Received] = []
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
        return error(500, "api_error", "fake: no scripted reply left")

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
                reply = fake._next(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                if self.path.rstrip("/") != "/v1/messages":
                    reply = error(404, "not_found_error", f"fake: no route {self.path}")
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
