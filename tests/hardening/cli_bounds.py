"""Run the perfpilot CLI in a subprocess bounded in time and memory, as a new user would."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

MEMORY_CAP_BYTES = 2 << 30
"""Address-space cap: the interpreter with pydantic, sqlglot and langgraph maps ~1 GiB before reading."""
TIMEOUT_S = 60


@dataclass
class Outcome:
    code: int
    stdout: str
    stderr: str


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP_BYTES, MEMORY_CAP_BYTES))


def perfpilot(*args: str, cwd: Path, env: dict[str, str] | None = None) -> Outcome:
    """`perfpilot ARGS` with the time and memory caps (TimeoutExpired fails the test)."""
    done = subprocess.run(
        [sys.executable, "-m", "perfpilot.cli.app", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        preexec_fn=_limit_memory,
        env={**os.environ, "ANTHROPIC_API_KEY": "", **(env or {})},
        check=False,
    )
    return Outcome(done.returncode, done.stdout, done.stderr)
