"""Run `py-spy record` against a live process: raw (collapsed) output, bounded rate and duration.

Sampling is --nonblocking (py-spy never pauses the service, at the price of an occasional torn stack)
and follows --subprocesses (worker processes of the service). Where py-spy cannot attach (ptrace not
permitted, not a Python process, py-spy missing) the reason is py-spy's own message or what was found."""

from __future__ import annotations

import math
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from perfpilot.parent_death import die_with_parent

STOP_GRACE_S = 10.0
PTRACE_SCOPE = Path("/proc/sys/kernel/yama/ptrace_scope")


def pyspy_binary() -> str | None:
    """py-spy on PATH, or beside this Python (a venv's bin/)."""
    found = shutil.which("py-spy")
    if found:
        return found
    beside = Path(sys.executable).parent / "py-spy"
    return str(beside) if beside.is_file() else None


def attach_obstacle(pid: int) -> str | None:
    """Why attaching to `pid` cannot work, known before trying; None when it may."""
    if pyspy_binary() is None:
        return "py-spy is not installed (pip install 'perfpilot[profile]')"
    if not Path(f"/proc/{pid}").exists() and not _alive(pid):
        return f"process {pid} is not running"
    try:
        scope = int(PTRACE_SCOPE.read_text().strip())
    except (OSError, ValueError):
        return None
    if scope >= 3:
        return "ptrace is disabled on this machine (kernel.yama.ptrace_scope=3)"
    if scope >= 1 and os.geteuid() != 0:
        return (
            f"ptrace of a non-child process is not permitted (kernel.yama.ptrace_scope={scope}); run as "
            "root, grant CAP_SYS_PTRACE, or set the scope to 0"
        )
    return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class PySpyRecording:
    """One `py-spy record` subprocess; stop() ends it early (SIGINT: py-spy writes what it has)."""

    def __init__(
        self, pid: int, output: Path, *, duration_s: float, rate_hz: int, idle: bool = False
    ) -> None:
        binary = pyspy_binary()
        if binary is None:
            raise FileNotFoundError("py-spy")
        self.output = output
        self.argv = [
            binary,
            "record",
            "--pid",
            str(pid),
            "--subprocesses",
            "--nonblocking",
            *(["--idle"] if idle else []),
            "--format",
            "raw",
            "--rate",
            str(rate_hz),
            "--duration",
            str(max(1, math.ceil(duration_s))),
            "--output",
            str(output),
        ]
        self.proc: subprocess.Popen[bytes] | None = None
        self.stderr_path = output.with_suffix(".log")

    def start(self) -> None:
        self.output.parent.mkdir(parents=True, exist_ok=True)
        with self.stderr_path.open("wb") as err:
            self.proc = subprocess.Popen(
                self.argv, stdin=subprocess.DEVNULL, stdout=err, stderr=subprocess.STDOUT,
                preexec_fn=die_with_parent(),  # a run killed with -9 takes its py-spy with it
            )

    def stop(self) -> str | None:
        """End the recording; None when py-spy wrote its output, else why not (its last message)."""
        proc = self.proc
        if proc is None:
            return "py-spy did not start"
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=STOP_GRACE_S)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if self.output.is_file() and self.output.stat().st_size > 0:
            return None
        return _reason(self.stderr_path, proc.returncode)


def _reason(log: Path, returncode: int | None) -> str:
    try:
        lines = [ln.strip() for ln in log.read_text(errors="replace").splitlines() if ln.strip()]
    except OSError:
        lines = []
    errors = [ln for ln in lines if ln.lower().startswith("error")] or lines
    message = errors[-1][:300] if errors else f"py-spy exited with {returncode} and no message"
    if "permission denied" in message.lower() or "operation not permitted" in message.lower():
        return f"ptrace not permitted: {message}"
    if "python version" in message.lower() or "no python processes" in message.lower():
        return f"{message} (not a Python process, or an interpreter py-spy does not know)"
    return message
