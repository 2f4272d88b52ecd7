"""Headless Chromium over the DevTools protocol on a pipe (no port): load a page, record what it does."""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import os
import queue
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FLAGS = (
    "--headless",
    "--remote-debugging-pipe",
    "--no-sandbox",  # the test may run as root
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--mute-audio",
    "--hide-scrollbars",
    "--window-size=1100,900",
)
WAIT_S = 60.0  # only a guard against a hung browser, never a measurement


@dataclass
class PageLoad:
    """What loading a page did: requests beyond the page itself, console and log errors, probes, picture."""

    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    probes: dict[str, Any] = field(default_factory=dict)
    screenshot: bytes = b""


class Browser:
    """One Chromium process; `load` opens a page in a fresh tab."""

    def __init__(self, binary: str) -> None:
        self._profile = tempfile.TemporaryDirectory(prefix="perfpilot-chromium-")
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def wire_pipes() -> None:  # the protocol's fixed descriptors: 3 reads commands, 4 writes replies
            commands, replies = os.dup(to_browser_r), os.dup(from_browser_w)  # off 3 and 4 first
            os.dup2(commands, 3)  # dup2 leaves the copies inheritable across exec
            os.dup2(replies, 4)

        self._process = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={self._profile.name}", "about:blank"],
            preexec_fn=wire_pipes,
            close_fds=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL if os.environ.get("PERFPILOT_CHROMIUM_LOG") is None else None,
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._ids = itertools.count(1)
        self._messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self._events: list[dict[str, Any]] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        buffer = b""
        while chunk := os.read(self._from_browser, 65536):
            buffer += chunk
            *complete, buffer = buffer.split(b"\0")
            for raw in complete:
                self._messages.put(json.loads(raw))

    def call(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        number = next(self._ids)
        message: dict[str, Any] = {"id": number, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._messages.get(timeout=WAIT_S)
            if reply.get("id") == number:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result
            self._events.append(reply)

    def _wait_for(self, method: str) -> None:
        if any(e.get("method") == method for e in self._events):
            return
        while True:
            event = self._messages.get(timeout=WAIT_S)
            self._events.append(event)
            if event.get("method") == method:
                return

    def load(
        self, page: Path, probes: dict[str, str], *, javascript: bool = True, media: str = ""
    ) -> PageLoad:
        """Open page, wait for its load event, run each probe (a JS expression), take a full-page picture."""
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Network", "Runtime", "Log", "Page"):
            self.call(f"{domain}.enable", session)
        self.call("Emulation.setScriptExecutionDisabled", session, value=not javascript)
        self.call("Emulation.setEmulatedMedia", session, media=media)  # "print" lays the page out for paper
        self._events.clear()
        url = page.resolve().as_uri()
        self.call("Page.navigate", session, url=url)
        self._wait_for("Page.loadEventFired")
        result = PageLoad()
        for name, expression in probes.items():
            self.call("Emulation.setScriptExecutionDisabled", session, value=False)
            value = self.call("Runtime.evaluate", session, expression=expression, returnByValue=True)
            result.probes[name] = value.get("result", {}).get("value")
        metrics = self.call("Page.getLayoutMetrics", session)["cssContentSize"]
        shot = self.call(
            "Page.captureScreenshot",
            session,
            format="png",
            captureBeyondViewport=True,
            clip={
                "x": 0,
                "y": 0,
                "width": metrics["width"],
                "height": min(metrics["height"], 12000),
                "scale": 1,
            },
        )
        result.screenshot = base64.b64decode(shot["data"])
        while not self._messages.empty():
            self._events.append(self._messages.get_nowait())
        for event in self._events:
            result.requests += _request(event, url)
            result.errors += _error(event)
        self.call("Target.closeTarget", targetId=target)
        return result

    def close(self) -> None:
        with contextlib.suppress(RuntimeError, queue.Empty, OSError):
            self.call("Browser.close")
        try:
            self._process.wait(timeout=WAIT_S)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        os.close(self._to_browser)
        self._profile.cleanup()


def _request(event: dict[str, Any], page_url: str) -> list[str]:
    if event.get("method") != "Network.requestWillBeSent":
        return []
    url: str = event["params"]["request"]["url"]
    return [] if url == page_url else [url]


def _error(event: dict[str, Any]) -> list[str]:
    method, params = event.get("method"), event.get("params", {})
    if method == "Runtime.exceptionThrown":
        return [json.dumps(params.get("exceptionDetails", {}))[:500]]
    if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
        return [json.dumps(params.get("args", []))[:500]]
    if method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
        return [params["entry"].get("text", "")]
    return []
