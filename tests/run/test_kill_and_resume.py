"""A real `perfpilot run` killed with SIGKILL before each node resumes with --resume to the same report."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from perfpilot.cli.app import app
from perfpilot.run.crash_hook import HOLD_ENV, MARKER_ENV
from tests.conftest import ROOT

TARGET = ROOT / "examples" / "recorded" / "target.yaml"
NODES = ["profiling", "analysis", "optimization", "validation", "finish"]
ESCALATING = ROOT / "perfpilot" / "evals" / "incidents" / "single-node-db-saturated"


def _perfpilot(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "perfpilot.cli.app", *args]
    return subprocess.Popen(
        command, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def _report(out: Path) -> dict[str, Any]:
    text = (out / "report.json").read_text(encoding="utf-8").replace(str(out), "<out>")
    report: dict[str, Any] = json.loads(text)
    report.pop("run_id")
    return report


def _thread(out: Path) -> str:
    (record,) = (out / "threads").glob("*.json")
    return record.stem


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("k") / "out"  # paths of one length: prompts quote them (token counts)
    process = _perfpilot("run", str(TARGET), "--out", str(out), "--headless")
    process.communicate(timeout=300)
    assert process.returncode == 4  # the recorded example ends projected
    return _report(out)


@pytest.mark.parametrize("node", NODES)
def test_kill_9_before_a_node_then_resume_gives_the_uninterrupted_report(
    node: str, tmp_path_factory: pytest.TempPathFactory, uninterrupted: dict[str, Any]
) -> None:
    folder = tmp_path_factory.mktemp("k")
    out, marker = folder / "out", folder / "held"
    process = _perfpilot(
        "run", str(TARGET), "--out", str(out), "--headless", env={HOLD_ENV: node, MARKER_ENV: str(marker)}
    )
    for _ in range(600):  # the run writes the marker once its checkpoint before `node` is stored
        if marker.exists() or process.poll() is not None:
            break
        time.sleep(0.5)
    assert marker.read_text(encoding="utf-8") == node
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    assert not (out / "report.json").exists()  # the killed run wrote no report
    thread = _thread(out)
    assert json.loads((out / "threads" / f"{thread}.json").read_text(encoding="utf-8"))["status"] == "started"

    resumed = _perfpilot("run", "--resume", thread, "--out", str(out), "--headless")
    _, stderr = resumed.communicate(timeout=300)
    assert resumed.returncode == 4, stderr.decode()[-2000:]
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["run_id"] == thread
    lines = stderr.decode().splitlines()
    started = [json.loads(line).get("step") for line in lines if '"step.start"' in line]
    assert started == [s for s in NODES[NODES.index(node) :] if s != "finish"]  # finished steps not re-run
    assert _report(out) == uninterrupted


def _escalating_target(folder: Path) -> Path:
    incident = yaml.safe_load((ESCALATING / "incident.yaml").read_text(encoding="utf-8"))
    for name in ("metrics.prom", "inventory.yaml"):
        (folder / name).write_bytes((ESCALATING / name).read_bytes())
    (folder / "target.yaml").write_text(yaml.safe_dump(incident["target"]), encoding="utf-8")
    return folder / "target.yaml"


def test_kill_9_before_the_escalation_then_resume_escalates_as_an_uninterrupted_run(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    folder = tmp_path_factory.mktemp("k")
    target = _escalating_target(folder)
    whole = _perfpilot("run", str(target), "--out", str(folder / "whole"), "--headless")
    whole.communicate(timeout=300)
    assert whole.returncode == 3

    out, marker = folder / "out", folder / "held"
    hold = {HOLD_ENV: "escalation", MARKER_ENV: str(marker)}
    process = _perfpilot("run", str(target), "--out", str(out), "--headless", env=hold)
    for _ in range(600):
        if marker.exists() or process.poll() is not None:
            break
        time.sleep(0.5)
    assert marker.read_text(encoding="utf-8") == "escalation"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    thread = _thread(out)

    resumed = _perfpilot("run", "--resume", thread, "--out", str(out), "--headless")
    _, stderr = resumed.communicate(timeout=300)
    assert resumed.returncode == 3, stderr.decode()[-2000:]
    lines = stderr.decode().splitlines()
    assert not [line for line in lines if '"step.start"' in line]  # no step ran again
    assert _report(out) == _report(folder / "whole")


def test_an_escalation_raised_headless_is_answered_later(tmp_path: Path) -> None:
    _escalating_target(tmp_path)
    out = tmp_path / "out"
    runner = CliRunner()

    first = runner.invoke(app, ["run", str(tmp_path / "target.yaml"), "--out", str(out), "--headless"])
    assert first.exit_code == 3
    thread = _thread(out)
    listed = runner.invoke(app, ["threads", "--out", str(out)])
    assert thread in listed.stdout and "escalated" in listed.stdout and "waiting:" in listed.stdout

    answered = runner.invoke(app, ["resume", thread, "--answer", "proceed", "--out", str(out)])
    assert answered.exit_code != 3
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["run_id"] == thread
    assert report["decision_path"][:4] == ["profiling", "analysis", "escalation", "optimization"]
    assert report["tier"] == "T3"
    after = runner.invoke(app, ["threads", "--out", str(out)]).stdout
    assert thread in after and "escalated" not in after and "waiting:" not in after


def test_resume_errors_name_the_problem(tmp_path: Path) -> None:
    runner = CliRunner()
    unknown = runner.invoke(app, ["run", "--resume", "abc123", "--out", str(tmp_path)])
    assert unknown.exit_code == 2 and "no thread 'abc123'" in unknown.stderr
    both = runner.invoke(app, ["run", str(TARGET), "--resume", "abc123", "--out", str(tmp_path)])
    assert both.exit_code == 2 and "give no target.yaml" in both.stderr
    answer = runner.invoke(app, ["resume", "abc123", "--answer", "maybe", "--out", str(tmp_path)])
    assert answer.exit_code == 2 and "choose proceed or stop" in answer.stderr
    scheme = runner.invoke(app, ["run", str(TARGET), "--out", str(tmp_path), "--checkpointer", "redis://x"])
    assert scheme.exit_code == 2 and "use postgresql://" in scheme.stderr
    chat = runner.invoke(app, ["chat", "--out", str(tmp_path)])
    assert chat.exit_code == 2 and "--thread THREAD" in chat.stderr
    unknown_chat = runner.invoke(app, ["chat", "--thread", "abc123", "--out", str(tmp_path)])
    assert unknown_chat.exit_code == 2 and "no thread 'abc123'" in unknown_chat.stderr
