"""`perfpilot run --apply sandbox` on PostgreSQL with a role that cannot make a sandbox: exit 2, saying
why, before any service starts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.postgres


def _target(folder: Path, dsn: str) -> Path:
    spec = {
        "name": "pg-target",
        "evidence": {
            "http": {"base_url": "http://127.0.0.1:18799", "endpoints": [{"name": "home", "path": "/"}]},
            "service": {
                "command": ["{python}", "-c", "raise SystemExit('must not start')"],
                "ready_path": "/",
            },
            "database": {"dsn": dsn, "dialect": "postgres"},
        },
    }
    path = folder / "target.yaml"
    path.write_text(yaml.safe_dump(spec))
    return path


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    code = "from perfpilot.cli.app import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, "run", *args], capture_output=True, text=True, timeout=120, check=False
    )


def test_missing_createdb_exits_2_with_the_reason(original: dict[str, str], tmp_path: Path) -> None:
    target = _target(tmp_path, original["reader"])
    result = _run(str(target), "--apply", "sandbox", "--out", str(tmp_path / "out"), "--headless")
    assert result.returncode == 2, result.stderr[-2000:]
    said = result.stdout + result.stderr
    assert "role 'pgloop_reader' lacks CREATEDB: grant it (ALTER ROLE pgloop_reader CREATEDB)" in said
    assert "or pass --sandbox-dsn" in said
    assert "must not start" not in said and "Traceback" not in said
    assert "pg-loop-test" not in said  # the password never reaches the output
