"""Record every model call (redacted request, response JSON); replay them offline via the same SDK path."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import httpx2
import structlog

from perfpilot.redaction import redact_obj

log = structlog.get_logger(__name__)


class ReplayMissing(LookupError):
    """A replayed run made a model call that was never recorded (or whose request changed since)."""


@dataclass(frozen=True)
class CallKey:
    """Where one model call is filed: its step, its sequence number within the step, its request digest."""

    step: str
    seq: int
    digest: str

    @property
    def stem(self) -> str:
        return f"{self.seq:03d}-{self.digest}"


def request_digest(body: Mapping[str, Any]) -> str:
    """A stable short hash of a (redacted) request body."""
    canonical = json.dumps(redact_obj(dict(body)), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


class Recorder(Protocol):
    """What the Claude planner needs from a recorder (record or replay)."""

    replaying: bool

    def start(self, step: str, body: Mapping[str, Any]) -> CallKey: ...

    def finish(self, key: CallKey, body: Mapping[str, Any], response: Mapping[str, Any]) -> None: ...

    def counted(self, body: Mapping[str, Any], input_tokens: int) -> None: ...

    def transport(self) -> httpx2.BaseTransport | None: ...


COUNTS = "counts"


class _Sequencer:
    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self._next: defaultdict[str, int] = defaultdict(lambda: 1)

    def key(self, step: str, body: Mapping[str, Any]) -> CallKey:
        seq = self._next[step]
        self._next[step] += 1
        return CallKey(step=step, seq=seq, digest=request_digest(body))

    def path(self, key: CallKey, kind: str) -> Path:
        return self.directory / key.step / f"{key.stem}.{kind}.json"

    def count_path(self, body: Mapping[str, Any]) -> Path:
        """Where the API's token count of a (counted) request body is kept: DIR/counts/<digest>.json."""
        return self.directory / COUNTS / f"{request_digest(body)}.json"


class Recording(_Sequencer):
    """`--record DIR`: writes DIR/<step>/<seq>-<digest>.request.json (redacted) and .response.json."""

    replaying = False

    def start(self, step: str, body: Mapping[str, Any]) -> CallKey:
        return self.key(step, body)

    def finish(self, key: CallKey, body: Mapping[str, Any], response: Mapping[str, Any]) -> None:
        for kind, data in (("request", body), ("response", response)):
            path = self.path(key, kind)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(redact_obj(dict(data)), indent=2, ensure_ascii=False) + "\n")
        log.info("model_call_recorded", step=key.step, seq=key.seq, digest=key.digest)

    def counted(self, body: Mapping[str, Any], input_tokens: int) -> None:
        path = self.count_path(body)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"input_tokens": input_tokens}) + "\n")

    def transport(self) -> httpx2.BaseTransport | None:
        return None


class Replay(_Sequencer):
    """`--replay DIR`: serves recorded responses to the real SDK through an HTTP transport; no network."""

    replaying = True

    def __init__(self, directory: Path) -> None:
        super().__init__(directory)
        if not self.directory.is_dir():
            raise FileNotFoundError(f"--replay: directory {self.directory} does not exist")
        self._current: CallKey | None = None

    def start(self, step: str, body: Mapping[str, Any]) -> CallKey:
        key = self.key(step, body)
        if not self.path(key, "response").is_file():
            recorded = sorted(p.name for p in (self.directory / step).glob(f"{key.seq:03d}-*.response.json"))
            why = (
                f"the recording at that position is {recorded[0]}: the request changed "
                "(prompt, evidence, budget or model)"
                if recorded
                else "nothing was recorded there"
            )
            raise ReplayMissing(
                f"no recorded model call for step '{step}' call #{key.seq} (request {key.digest}) "
                f"in {self.directory}: {why}"
            )
        self._current = key
        return key

    def finish(self, key: CallKey, body: Mapping[str, Any], response: Mapping[str, Any]) -> None:
        self._current = None

    def counted(self, body: Mapping[str, Any], input_tokens: int) -> None:
        return

    def transport(self) -> httpx2.BaseTransport:
        return httpx2.MockTransport(self._serve)

    def _serve(self, request: httpx2.Request) -> httpx2.Response:
        if request.method == "POST" and request.url.path.endswith("/v1/messages/count_tokens"):
            return self._serve_count(request)
        key = self._current
        if key is None or request.method != "POST" or not request.url.path.endswith("/v1/messages"):
            return httpx2.Response(
                404, json={"type": "error", "error": {"type": "not_found_error", "message": "not recorded"}}
            )
        data = json.loads(self.path(key, "response").read_text())
        return httpx2.Response(200, json=data, headers={"request-id": f"replay-{key.step}-{key.seq}"})

    def _serve_count(self, request: httpx2.Request) -> httpx2.Response:
        """The recorded count of this exact body; 404 when none was recorded (the planner's margin rules)."""
        path = self.count_path(json.loads(request.content or b"{}"))
        if not path.is_file():
            return httpx2.Response(
                404, json={"type": "error", "error": {"type": "not_found_error", "message": "not recorded"}}
            )
        return httpx2.Response(200, json=json.loads(path.read_text()))


def open_recorder(record: Path | None = None, replay: Path | None = None) -> Recorder | None:
    """The recorder for the CLI's --record / --replay options (at most one may be given)."""
    if record is not None and replay is not None:
        raise ValueError("give --record or --replay, not both")
    if record is not None:
        return Recording(record)
    if replay is not None:
        return Replay(replay)
    return None
