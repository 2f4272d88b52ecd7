"""Check generated Prometheus files with promtool when installed (Debian: apt-get install prometheus)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict


class PromtoolCheck(BaseModel):
    """The verdict of `promtool check rules|config` on one file."""

    model_config = ConfigDict(extra="forbid")

    path: str
    ok: bool
    output: str


def promtool_check(kind: Literal["rules", "config"], path: Path) -> PromtoolCheck | None:
    """Run promtool on a generated file; None when promtool is not installed."""
    promtool = shutil.which("promtool")
    if promtool is None:
        return None
    done = subprocess.run(
        [promtool, "check", kind, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"PATH": "/usr/bin:/bin"},
    )
    output = (done.stdout + done.stderr).strip()[-2000:]
    return PromtoolCheck(path=str(path), ok=done.returncode == 0, output=output)
