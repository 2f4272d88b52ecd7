"""ASGI middleware: request ids, latency metrics by route template, and the access log."""

from __future__ import annotations

import time
import uuid
from datetime import datetime

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shop.accesslog import AccessLog, combined_line
from shop.metrics import Metrics

UNMATCHED = "unmatched"


def route_template(scope: Scope) -> str:
    """The matched route's template without converters (`/customers/{id}/orders`), set by the router."""
    route = scope.get("route")
    return getattr(route, "path_format", None) or UNMATCHED


class ObservabilityMiddleware:
    """Times every HTTP request and records it in the metrics and the access log."""

    def __init__(self, app: ASGIApp, metrics: Metrics, access_log: AccessLog | None = None) -> None:
        self.app = app
        self.metrics = metrics
        self.access_log = access_log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        request_id = headers.get("x-request-id") or uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        started_at, started = datetime.now().astimezone(), time.perf_counter()
        response = {"status": 500, "bytes": 0}

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                response["status"] = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
            elif message["type"] == "http.response.body":
                response["bytes"] += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            elapsed = time.perf_counter() - started
            self.metrics.observe_request(scope["method"], route_template(scope), response["status"], elapsed)
            if self.access_log is not None:
                self.access_log.write(self._line(scope, headers, started_at, response, elapsed))

    @staticmethod
    def _line(
        scope: Scope, headers: dict[str, str], started_at: datetime, response: dict[str, int], elapsed: float
    ) -> str:
        target = scope.get("raw_path") or scope["path"].encode()
        if scope.get("query_string"):
            target += b"?" + scope["query_string"]
        client = scope.get("client")
        return combined_line(
            client=client[0] if client else "-",
            started=started_at,
            request_line=f"{scope['method']} {target.decode('latin-1')} HTTP/{scope.get('http_version')}",
            status=response["status"],
            bytes_sent=response["bytes"],
            referer=headers.get("referer", ""),
            user_agent=headers.get("user-agent", ""),
            request_time_s=elapsed,
        )
