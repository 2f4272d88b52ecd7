"""The CI k6 gate, run as CI would run it: non-zero exit when a limit breaks, zero when all hold."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from perfpilot.skills.observability.gate import render_gate
from perfpilot.skills.observability.limits import regression_limits
from perfpilot.target.spec import Target

pytestmark = pytest.mark.k6


def _gate(base_url: str, slow_p95_ms: float, tmp_path: Path) -> Path:
    target = Target.model_validate(
        {
            "name": "shop",
            "slos": {"p95_ms": 2000, "endpoints": {"slow": {"p95_ms": slow_p95_ms}}},
            "evidence": {
                "http": {
                    "base_url": base_url,
                    "baseline_rps": 10,
                    "endpoints": [
                        {"name": "fast", "path": "/orders/${id}", "params": {"id": ["1", "2"]}},
                        {"name": "slow", "path": "/slow"},
                    ],
                }
            },
        }
    )
    assert target.evidence.http is not None
    limits = regression_limits(target, None, 0.2)
    script = tmp_path / "k6-gate.js"
    script.write_text(render_gate(target.evidence.http, limits, duration_s=2), encoding="utf-8")
    return script


def _run(k6: str, script: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [k6, "run", "--no-usage-report", "--address", "", "--quiet", str(script)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )


def test_gate_fails_when_a_limit_is_broken(loopback: Any, k6_binary: str, tmp_path: Path) -> None:
    script = _gate(loopback.base_url, 50, tmp_path)  # /slow takes 200 ms
    done = _run(k6_binary, script, tmp_path)

    assert done.returncode == 99, done.stderr
    assert "FAIL http_req_duration{name:GET /slow} p(95)<50" in done.stdout
    assert "ok   http_req_duration{name:GET /orders/${id}} p(95)<2000" in done.stdout


def test_gate_passes_when_every_limit_holds(loopback: Any, k6_binary: str, tmp_path: Path) -> None:
    script = _gate(loopback.base_url, 1500, tmp_path)
    done = _run(k6_binary, script, tmp_path)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "FAIL" not in done.stdout
    assert "ok   http_req_duration{name:GET /slow} p(95)<1500" in done.stdout
