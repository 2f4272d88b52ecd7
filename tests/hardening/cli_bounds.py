"""Run the perfpilot CLI in a subprocess bounded in time and memory, as a new user would, and measure it:
wall time and peak RSS (the process's own VmHWM) go to the fuzz figures."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tests.hardening.harness import FIGURES

MEMORY_CAP_BYTES = 1 << 30
"""Address-space cap (the issue's 1 GB): a normal `perfpilot run` on examples/recorded peaks near 150 MiB
RSS and the live shop demo (k6 and the service included) near 190 MiB, both well inside it."""
TIMEOUT_S = 180
"""A hang guard, not a timing assertion: the issue's bound is 60 s, which the figures report (on an idle
machine every case here takes a few seconds; a loaded 2-core CI runner is slower)."""


@dataclass
class Outcome:
    code: int
    stdout: str
    stderr: str
    seconds: float
    peak_rss_bytes: int


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP_BYTES, MEMORY_CAP_BYTES))


def _high_water_rss(pid: int) -> int:
    """The process's peak RSS so far (VmHWM), 0 once it has exited.

    Not ru_maxrss: for a forked child it counts the parent's pages mapped before exec (pytest's ~200 MiB).
    """
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def _wait(process: subprocess.Popen[bytes], started: float) -> tuple[int, int]:
    """Wait for the child, sampling its peak RSS every 20 ms; killed past TIMEOUT_S (AssertionError).
    Returns its wait status and peak RSS."""
    peak = 0
    while True:
        peak = max(peak, _high_water_rss(process.pid))
        pid, status, _ = os.wait4(process.pid, os.WNOHANG)
        if pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            return status, peak
        if time.perf_counter() - started > TIMEOUT_S:
            process.kill()
            os.wait4(process.pid, 0)
            process.returncode = -9
            raise AssertionError(f"perfpilot ran past {TIMEOUT_S} s: {process.args!r}")
        time.sleep(0.02)


def perfpilot(*args: str, cwd: Path, env: dict[str, str] | None = None, label: str = "") -> Outcome:
    """`perfpilot ARGS` with the time and memory caps (a run past TIMEOUT_S is killed and fails the test)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "perfpilot.cli.app", *args],
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            preexec_fn=_limit_memory,
            env={**os.environ, "ANTHROPIC_API_KEY": "", **(env or {})},
        )
        status, peak = _wait(process, started)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
        outcome = Outcome(os.waitstatus_to_exitcode(status), stdout, stderr, seconds, peak)
    FIGURES.add_process(label or f"perfpilot {args[0]}", seconds, peak)
    return outcome
