"""The anthropic SDK client (no SDK retries, a hard deadline per request) and the one bounded retry loop."""

from __future__ import annotations

import email.utils
import json
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import anthropic
import httpx2
import structlog
from anthropic.types import Message
from pydantic import ValidationError

from perfpilot.agents.planners.claude_errors import ClaudePlannerError
from perfpilot.config import ModelSettings
from perfpilot.redaction import redact

log = structlog.get_logger(__name__)

RETRYABLE_STATUS = frozenset({408, 429, 500, 502, 503, 504, 529})
BASE_BACKOFF_S = 1.0
MAX_BACKOFF_S = 30.0
CONNECT_TIMEOUT_S = 10.0
DEFAULT_BASE_URL = "https://api.anthropic.com"
COUNTED_FIELDS = ("model", "system", "tools", "tool_choice", "messages")


@dataclass(frozen=True)
class ModelReply:
    """One successful model call: the parsed message, the response JSON as received, attempts it took."""

    message: Message
    raw: dict[str, Any]
    attempts: int


class _DeadlineStream(httpx2.SyncByteStream):
    """A response body that fails with ReadTimeout once the request's total deadline has passed."""

    def __init__(self, inner: httpx2.SyncByteStream, deadline: float, request: httpx2.Request) -> None:
        self._inner, self._deadline, self._request = inner, deadline, request

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._inner:
            if time.monotonic() > self._deadline:
                raise httpx2.ReadTimeout("body still arriving at deadline", request=self._request)
            yield chunk

    def close(self) -> None:
        self._inner.close()


class DeadlineTransport(httpx2.BaseTransport):
    """Bounds the whole request (headers and body), not each read, so a trickling server cannot hang us."""

    def __init__(self, inner: httpx2.BaseTransport, total_s: float) -> None:
        self._inner, self._total_s = inner, total_s

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        deadline = time.monotonic() + self._total_s
        response = self._inner.handle_request(request)
        stream = response.stream
        if not isinstance(stream, httpx2.SyncByteStream):  # pragma: no cover - sync transports only
            return response
        return httpx2.Response(
            status_code=response.status_code,
            headers=response.headers,
            stream=_DeadlineStream(stream, deadline, request),
            extensions=response.extensions,
            request=request,
        )

    def close(self) -> None:
        self._inner.close()


def create_client(
    settings: ModelSettings, *, transport: httpx2.BaseTransport | None = None
) -> anthropic.Anthropic:
    """An SDK client that never retries on its own (our loop does) and gives up on a request at timeout_s."""
    inner = transport if transport is not None else httpx2.HTTPTransport()
    timeout = httpx2.Timeout(settings.timeout_s, connect=min(CONNECT_TIMEOUT_S, settings.timeout_s))
    http_client = httpx2.Client(transport=DeadlineTransport(inner, settings.timeout_s), timeout=timeout)
    return anthropic.Anthropic(
        api_key=settings.key() or "replay-without-key",
        base_url=settings.base_url or DEFAULT_BASE_URL,
        timeout=timeout,
        max_retries=0,
        http_client=http_client,
    )


def retry_after_s(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds the server asks us to wait: `retry-after-ms`, else `retry-after` (seconds or HTTP date)."""
    millis = headers.get("retry-after-ms")
    if millis is not None:
        try:
            return max(0.0, float(millis) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_tz(value)
        if parsed is None:
            return None
        return max(0.0, email.utils.mktime_tz(parsed) - (time.time() if now is None else now))


def backoff_s(attempt: int) -> float:
    """Exponential wait after the given failed attempt (1-based) when the server names none."""
    return float(min(MAX_BACKOFF_S, BASE_BACKOFF_S * 2 ** (attempt - 1)))


def counted_fields(body: Mapping[str, Any]) -> dict[str, Any]:
    """The part of a Messages request the token-counting endpoint takes."""
    return {key: body[key] for key in COUNTED_FIELDS if key in body}


class ModelCaller:
    """Calls the Messages API at most `settings.max_attempts` times per model call; the SDK never retries."""

    def __init__(
        self,
        client: anthropic.Anthropic,
        settings: ModelSettings,
        *,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._client = client.with_options(max_retries=0)
        self._attempts = settings.max_attempts
        self._sleep = sleep

    def count_input_tokens(self, body: Mapping[str, Any]) -> int | None:
        """The API's count of this request's input tokens (POST /v1/messages/count_tokens), one attempt;
        None when the endpoint cannot answer (the caller then relies on its margin)."""
        try:
            return int(self._client.messages.count_tokens(**counted_fields(body)).input_tokens)
        except (anthropic.APIError, ValidationError, ValueError) as exc:
            log.warning("token_count_failed", error=type(exc).__name__)
            return None

    def call(self, body: Mapping[str, Any]) -> ModelReply:
        """The model's reply to one request body, or PlannerError saying what failed on each attempt."""
        failures: list[str] = []
        for attempt in range(1, self._attempts + 1):
            wait: float | None = backoff_s(attempt)
            try:
                raw = self._client.messages.with_raw_response.create(**body)
                data = raw.http_response.json()
                return ModelReply(message=Message.model_validate(data), raw=data, attempts=attempt)
            except anthropic.APIStatusError as exc:
                failure = f"HTTP {exc.status_code}: {redact(_error_text(exc))}"
                if exc.status_code not in RETRYABLE_STATUS:
                    raise ClaudePlannerError(f"Claude API refused the request ({failure})") from None
                asked = retry_after_s(exc.response.headers)
                wait = wait if asked is None else asked
            except anthropic.APITimeoutError:
                failure = "timed out"
            except anthropic.APIConnectionError as exc:
                failure = f"connection failed ({type(exc.__cause__ or exc).__name__})"
            except (json.JSONDecodeError, UnicodeDecodeError, ValidationError) as exc:
                failure = f"unreadable response body ({type(exc).__name__})"
            failures.append(f"attempt {attempt}: {failure}")
            last = attempt == self._attempts
            log.warning(
                "model_call_failed",
                attempt=attempt,
                of=self._attempts,
                failure=failure,
                wait_s=None if last else wait,
            )
            if last:
                break
            if wait is not None and wait > MAX_BACKOFF_S:
                failures.append(f"server asked to wait {wait:.0f} s, more than the {MAX_BACKOFF_S:.0f} s cap")
                break
            self._sleep(wait or 0.0)
        raise ClaudePlannerError("Claude API call failed: " + "; ".join(failures))


def _error_text(exc: anthropic.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return str(error["message"])[:300]
    return str(exc.message)[:300]
