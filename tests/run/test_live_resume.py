"""A live run (shop service, real k6, sandboxed apply) killed with SIGKILL before its apply and after it,
then resumed: each change is applied once, no finished load test runs again, the left service is stopped."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from perfpilot.run.crash_hook import HOLD_ENV, MARKER_ENV
from tests.conftest import ROOT

SHOP = ROOT / "examples" / "shop"
PORTS = range(18650, 18700)


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port in 18650-18699")


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def _live_target(folder: Path, port: int) -> Path:
    """The shop's target.yaml on a 5 %-scale database of its own, served on a port of this test's range."""
    sys.path.insert(0, str(SHOP))
    from shop.generator import generate

    generate(folder / "shop.db", scale=0.05)
    spec: dict[str, Any] = yaml.safe_load((SHOP / "target.yaml").read_text(encoding="utf-8"))
    evidence = spec["evidence"]
    evidence["http"]["base_url"] = f"http://127.0.0.1:{port}"
    evidence["metrics"] = [{"url": f"http://127.0.0.1:{port}/metrics"}]
    evidence["database"]["dsn"] = f"sqlite:{folder / 'shop.db'}"
    evidence["service"]["workdir"] = str(SHOP)
    queries = SHOP / "recorded" / "queries.jsonl"
    evidence["workload"] = [{"path": str(queries), "format": "jsonl", "dialect": "sqlite"}]
    evidence["access_logs"] = [str(SHOP / "recorded" / "access.log")]
    evidence["containers"] = [str(SHOP / "Dockerfile")]
    evidence["infrastructure"] = {"inventory": str(SHOP / "inventory.yaml")}
    path = folder / "target.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    return path


def _ledger(out: Path, thread: str) -> list[dict[str, Any]]:
    lines = (out / "work" / "ledger" / thread / "ledger.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def _events(stderr: bytes, name: str) -> list[dict[str, Any]]:
    events = [json.loads(line) for line in stderr.decode().splitlines() if line.startswith("{")]
    return [e for e in events if e.get("event") == name]


@pytest.mark.slow
@pytest.mark.parametrize("node", ["apply", "validation"])
def test_a_live_run_killed_before_a_node_resumes_without_applying_or_measuring_twice(
    node: str, tmp_path: Path, k6_binary: str
) -> None:
    port = _free_port()
    target = _live_target(tmp_path, port)
    original = hashlib.sha256((tmp_path / "shop.db").read_bytes()).hexdigest()
    out, marker = tmp_path / "out", tmp_path / "held"
    env = {**os.environ, "PATH": f"{Path(k6_binary).parent}:{os.environ.get('PATH', '')}"}
    run = [sys.executable, "-m", "perfpilot.cli.app", "run"]
    live = ["--headless", "--live", "--apply", "sandbox", "--load-test-seconds", "4", "--warmup-seconds", "2"]
    first = subprocess.Popen(
        [*run, str(target), "--out", str(out), *live],
        env={**env, HOLD_ENV: node, MARKER_ENV: str(marker)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(600):
            if marker.exists() or first.poll() is not None:
                break
            time.sleep(0.5)
        assert marker.read_text(encoding="utf-8") == node
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=60)
    (thread_file,) = (out / "threads").glob("*.json")
    thread = thread_file.stem
    before = _ledger(out, thread)
    applied_before = [e["change"] for e in before if e["kind"] == "applied"]
    assert bool(applied_before) == (node == "validation")
    assert not _port_free(port)  # the killed run's service is still running ...

    resumed = subprocess.run(
        [*run, "--resume", thread, "--out", str(out), "--headless"], env=env, capture_output=True, timeout=600
    )
    assert _port_free(port)  # ... and the resumed run stopped it, then its own
    assert resumed.returncode in (0, 1, 4, 5), resumed.stderr.decode()[-3000:]
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    after = _ledger(out, thread)

    assert report["run_id"] == thread
    path = ["profiling", "analysis", "optimization", "apply", "validation", "finish"]
    assert report["decision_path"] == path
    applied = [e["change"] for e in after if e["kind"] == "applied"]
    assert applied and len(set(applied)) == len(applied)  # each change applied once, by one of the two
    toggles = [e["change"] for e in after if e["kind"] == "toggle"]  # a declared service toggle, once
    assert len(set(toggles)) == len(toggles)
    assert sorted(a.split(" ", 1)[0] for a in report["applied"]) == sorted(applied + toggles)
    applied_now = [e["change"] for e in _events(resumed.stderr, "apply.change")]
    assert applied_now == ([] if node == "validation" else applied)
    assert [e["step"] for e in _events(resumed.stderr, "step.start")] == ["validation"]
    assert _events(resumed.stderr, "service.left_running_stopped")
    load_tests = [json.loads(e["key"].split("#")[0])["label"] for e in after if e["kind"] == "load_test"]
    assert load_tests == ["before", "after"]  # the profiling load test ran once; validation's once
    sandbox = next(e["database"] for e in after if e["kind"] == "sandbox")
    assert sandbox in [e["argv"] for e in after if e["kind"] == "service"][-1]  # validation measured the copy
    assert not Path(sandbox).exists()  # removed at the end, as an uninterrupted run does
    assert hashlib.sha256((tmp_path / "shop.db").read_bytes()).hexdigest() == original
