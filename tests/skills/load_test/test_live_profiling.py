"""The first `before` baseline run is profiled when the service's process is known; the rest are not."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.skills.application_profiling.pyspy import attach_obstacle, pyspy_binary
from perfpilot.skills.base import SkillContext
from perfpilot.skills.load_test.live_profiling import profiled, wants_profile
from perfpilot.target.spec import Target


def _ctx(tmp_path: Path, pid: int | None) -> SkillContext:
    target = Target.model_validate({"name": "t", "evidence": {"plans": ["x.json"]}})
    return SkillContext(evidence=EvidenceBundle(target=target), workdir=tmp_path, live=True, service_pid=pid)


def test_only_the_first_before_and_after_baseline_run_of_a_known_process_is_profiled(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path, 123)
    assert wants_profile(ctx, "baseline", "before", 0)
    assert not wants_profile(ctx, "baseline", "before", 1)
    assert wants_profile(ctx, "baseline", "after", 0)
    assert not wants_profile(ctx, "baseline", "after", 1)
    assert not wants_profile(ctx, "baseline", None, 0)
    assert not wants_profile(ctx, "stress", "before", 0)
    assert not wants_profile(_ctx(tmp_path, None), "baseline", "before", 0)


def _run_while(proc: subprocess.Popen[bytes]) -> Any:
    """A stand-in for the k6 run: waits until py-spy's bounded recording has ended."""

    def run() -> str:
        subprocess.run([sys.executable, "-c", "import time; time.sleep(2.5)"], check=True)
        return "k6 result"

    return run


def test_a_service_that_is_not_python_leaves_a_reason_and_the_load_test_result(tmp_path: Path) -> None:
    if pyspy_binary() is None:
        pytest.skip("py-spy is not installed (pip install -e '.[dev]')")
    service = subprocess.Popen(["sleep", "60"])
    try:
        if (obstacle := attach_obstacle(service.pid)) is not None:
            pytest.skip(obstacle)
        ctx = _ctx(tmp_path, service.pid)
        result, live = profiled(ctx, 1.0, _run_while(service))
    finally:
        service.kill()
        service.wait()
    assert result == "k6 result"
    assert live.status == "not_attached" and "could not attach" in live.reason
    assert ctx.evidence.profiles == []


def test_a_python_service_profile_joins_the_runs_evidence(tmp_path: Path) -> None:
    if pyspy_binary() is None:
        pytest.skip("py-spy is not installed (pip install -e '.[dev]')")
    script = tmp_path / "svc.py"
    script.write_text("def serve():\n    while True:\n        sum(i * i for i in range(10000))\nserve()\n")
    service = subprocess.Popen([sys.executable, str(script)])
    try:
        if (obstacle := attach_obstacle(service.pid)) is not None:
            pytest.skip(obstacle)
        subprocess.run([sys.executable, "-c", "import time; time.sleep(0.5)"], check=True)
        ctx = _ctx(tmp_path, service.pid)
        _, live = profiled(ctx, 1.0, _run_while(service))
    finally:
        service.kill()
        service.wait()
    if live.status == "not_attached" and "ptrace" in live.reason:
        pytest.skip(live.reason)
    assert live.status == "recorded", live.reason
    assert [p.process for p in ctx.evidence.profiles] == [f"pid {service.pid}"]
    assert any(f.function == "serve" for f in ctx.evidence.profiles[0].frames)
    assert live.flame_graph == str(tmp_path / "profiling" / "flamegraph.svg")


def test_the_after_run_samples_the_restarted_service_into_its_own_files(tmp_path: Path) -> None:
    if pyspy_binary() is None:
        pytest.skip("py-spy is not installed (pip install -e '.[dev]')")
    script = tmp_path / "svc.py"
    script.write_text("def serve():\n    while True:\n        sum(i * i for i in range(10000))\nserve()\n")
    service = subprocess.Popen([sys.executable, str(script)])
    try:
        if (obstacle := attach_obstacle(service.pid)) is not None:
            pytest.skip(obstacle)
        subprocess.run([sys.executable, "-c", "import time; time.sleep(0.5)"], check=True)
        ctx = replace(_ctx(tmp_path, 1), running_service=lambda: service.pid)  # apply restarted it
        _, live = profiled(ctx, 1.0, _run_while(service), "after")
    finally:
        service.kill()
        service.wait()
    if live.status == "not_attached" and "ptrace" in live.reason:
        pytest.skip(live.reason)
    assert live.status == "recorded" and live.pid == service.pid, live.reason
    assert live.stacks_file == str(tmp_path / "profiling" / "live-stacks-after.txt")
    assert live.flame_graph == str(tmp_path / "profiling" / "flamegraph-after.svg")
    assert "under the after load test" in Path(live.flame_graph).read_text()
    assert ctx.evidence.profiles == []  # the after-state is not the evidence the analysis read
