"""A live run (shop service, real k6 and py-spy, sandboxed apply) killed with SIGKILL before each node of the
graph, and in the middle of its profiling load test, then resumed: it ends on the decision path, status and
applied changes of an uninterrupted run of the same target; each change is applied once, no finished load
test runs again, and the killed run's service (and its k6 and py-spy) do not outlive it.

Determinism: the decision must not depend on timing. The database is at 20 % scale, so the indexes the
advice keeps save tens of milliseconds per request (tens of times the 5 % materiality floor of the 30 ms
target), while products(name) saves well under a millisecond (left out). At 5 % scale those savings sat
around the floor and a busy machine flipped the plan between "three indexes" and "nothing to apply". The
rare top_products endpoint (weight 1 of 110, one 300 ms statement that adds two more indexes only when a
short warm-up happens to draw it) is left out of this test's target for the same reason. Load tests are
2 s: validation then judges no target (too few samples) and the run ends inconclusive, every time."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path
from typing import Any

import pytest
import yaml

from perfpilot.run.crash_hook import HOLD_ENV, MARKER_ENV
from tests.conftest import ROOT

SHOP = ROOT / "examples" / "shop"
PORTS = range(18650, 18700)
SCALE = 0.2
LEFT_OUT = "top_products"
NODES = ["profiling", "analysis", "optimization", "apply", "validation", "finish"]
STEPS = ["profiling", "analysis", "optimization", "validation"]
RUN = [sys.executable, "-m", "perfpilot.cli.app", "run"]
LIVE = ["--headless", "--live", "--apply", "sandbox", "--load-test-seconds", "2", "--warmup-seconds", "2"]

pytestmark = pytest.mark.slow


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port in 18650-18699")


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def _gone(pid: int) -> bool:
    """Exited: no such process, or a zombie whose threads have all gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8", errors="replace")
        threads = len(os.listdir(f"/proc/{pid}/task"))
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[0] in ("Z", "X") and threads <= 1


def _children(pid: int) -> dict[int, str]:
    """pid's child processes and their command lines."""
    found = {}
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text(encoding="utf-8", errors="replace")
            if entry.name.isdigit() and int(stat.rsplit(")", 1)[-1].split()[1]) == pid:
                found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, ValueError, IndexError):
            continue
    return found


@pytest.fixture(autouse=True)
def no_service_left(tmp_path: Path) -> Iterator[None]:
    """Whatever a case asserts, no service it started outlives it (a failed case has no resume to stop it)."""
    yield
    for ledger in (tmp_path / "out" / "work" / "ledger").glob("*/ledger.jsonl"):
        services = [e for e in map(json.loads, ledger.read_text(encoding="utf-8").splitlines()) if "pid" in e]
        for entry in services:
            with suppress(OSError):  # gone already
                if entry["argv"][-1] in Path(f"/proc/{entry['pid']}/cmdline").read_text(errors="replace"):
                    os.killpg(entry["pid"], signal.SIGKILL)


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    sys.path.insert(0, str(SHOP))
    from shop.generator import generate

    path = tmp_path_factory.mktemp("shop") / "shop.db"
    generate(path, scale=SCALE)
    return path


def _live_target(folder: Path, database: Path) -> tuple[Path, int]:
    """The shop's target.yaml on a copy of the test database, served on a port of this test's range."""
    port = _free_port()
    shutil.copyfile(database, folder / "shop.db")
    spec: dict[str, Any] = yaml.safe_load((SHOP / "target.yaml").read_text(encoding="utf-8"))
    spec["slos"]["endpoints"].pop(LEFT_OUT)
    evidence = spec["evidence"]
    evidence["http"]["endpoints"] = [e for e in evidence["http"]["endpoints"] if e["name"] != LEFT_OUT]
    evidence["http"]["base_url"] = f"http://127.0.0.1:{port}"
    evidence["metrics"] = [{"url": f"http://127.0.0.1:{port}/metrics"}]
    evidence["database"]["dsn"] = f"sqlite:{folder / 'shop.db'}"
    evidence["service"]["workdir"] = str(SHOP)
    # whether a profile names the toggle's function varies with the load; its resume has its own test
    evidence["service"].pop("toggles", None)
    queries = SHOP / "recorded" / "queries.jsonl"
    evidence["workload"] = [{"path": str(queries), "format": "jsonl", "dialect": "sqlite"}]
    evidence["access_logs"] = [str(SHOP / "recorded" / "access.log")]
    evidence["containers"] = [str(SHOP / "Dockerfile")]
    evidence["infrastructure"] = {"inventory": str(SHOP / "inventory.yaml")}
    path = folder / "target.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    return path, port


def _env(k6: str, **extra: str) -> dict[str, str]:
    return {**os.environ, "PATH": f"{Path(k6).parent}:{os.environ.get('PATH', '')}", **extra}


def _ledger(out: Path, thread: str) -> list[dict[str, Any]]:
    lines = (out / "work" / "ledger" / thread / "ledger.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def _kinds(ledger: list[dict[str, Any]], kind: str, field: str) -> list[Any]:
    return [e[field] for e in ledger if e["kind"] == kind]


def _events(stderr: bytes, name: str) -> list[dict[str, Any]]:
    events = [json.loads(line) for line in stderr.decode().splitlines() if line.startswith("{")]
    return [e for e in events if e.get("event") == name]


def _applied(report: dict[str, Any]) -> list[str]:
    return sorted(a.split(" ", 1)[0] for a in report["applied"])


@pytest.fixture(scope="module")
def uninterrupted(
    tmp_path_factory: pytest.TempPathFactory, database: Path, k6_binary: str
) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("whole")
    target, _ = _live_target(folder, database)
    out = folder / "out"
    done = subprocess.run(
        [*RUN, str(target), "--out", str(out), *LIVE], env=_env(k6_binary), capture_output=True, timeout=600
    )
    assert (out / "report.json").is_file(), done.stderr.decode()[-3000:]
    report: dict[str, Any] = json.loads((out / "report.json").read_text(encoding="utf-8"))
    (thread,) = [p.stem for p in (out / "threads").glob("*.json")]
    ledger = _ledger(out, thread)
    assert report["decision_path"] == NODES, report["decisions"]
    assert len(_applied(report)) == 3, report["applied"]  # orders(customer_id), order_items(order_id), ...
    return {"report": report, "code": done.returncode, "load_tests": _kinds(ledger, "load_test", "key")}


def _start(folder: Path, database: Path, k6: str, **extra: str) -> tuple[subprocess.Popen[bytes], Path, int]:
    target, port = _live_target(folder, database)
    out = folder / "out"
    with (folder / "first.stderr").open("wb") as stderr:  # read back when the run ends early
        process = subprocess.Popen(
            [*RUN, str(target), "--out", str(out), *LIVE],
            env=_env(k6, **extra), stdout=subprocess.DEVNULL, stderr=stderr,
        )  # fmt: skip
    return process, out, port


def _why_it_ended(out: Path, stderr: Path) -> str:
    """What a run that ended before its hold point decided (or its last log lines when it wrote no report)."""
    report = out / "report.json"
    if report.is_file():
        return "decisions: " + json.dumps(json.loads(report.read_text(encoding="utf-8"))["decisions"])
    return stderr.read_text(encoding="utf-8", errors="replace")[-3000:]


def _resume_and_check(
    out: Path, folder: Path, port: int, k6: str, uninterrupted: dict[str, Any], resumes_at: str
) -> dict[str, Any]:
    """Resume the killed thread, and check what every kill must leave true; returns what the case adds."""
    (thread,) = [p.stem for p in (out / "threads").glob("*.json")]
    before = _ledger(out, thread)
    killed_service = _kinds(before, "service", "pid")[-1]  # the one serving when the run was killed
    assert not _gone(killed_service) and not _port_free(port)  # the killed run's service runs on ...
    original = hashlib.sha256((folder / "shop.db").read_bytes()).hexdigest()

    resumed = subprocess.run(
        [*RUN, "--resume", thread, "--out", str(out), "--headless"], env=_env(k6), capture_output=True,
        timeout=600,
    )  # fmt: skip
    assert resumed.returncode == uninterrupted["code"], resumed.stderr.decode()[-3000:]
    assert _gone(killed_service) and _port_free(port)  # ... until the resumed run stopped it, then its own
    assert [e["pid"] for e in _events(resumed.stderr, "service.left_running_stopped")] == [killed_service]
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    whole = uninterrupted["report"]
    assert report["run_id"] == thread
    assert report["decision_path"] == whole["decision_path"]
    assert report["status"] == whole["status"]
    assert _applied(report) == _applied(whole)
    after = _ledger(out, thread)
    assert after[: len(before)] == before  # the ledger only grows

    applied = _kinds(after, "applied", "change")
    assert sorted(applied) == _applied(whole) and len(set(applied)) == len(applied)  # each applied once
    applied_now = [e["change"] for e in _events(resumed.stderr, "apply.change")]
    assert applied_now == [c for c in applied if c not in _kinds(before, "applied", "change")]
    started = [e["step"] for e in _events(resumed.stderr, "step.start")]
    assert started == [s for s in STEPS if NODES.index(s) >= NODES.index(resumes_at)]  # none finished again

    load_tests = _kinds(after, "load_test", "key")
    assert load_tests == uninterrupted["load_tests"]  # the same load tests, each once ...
    new_tests = load_tests[len(_kinds(before, "load_test", "key")) :]
    k6_runs = [json.loads(key.split("#")[0])["repeat"] for key in new_tests]
    # ... none that had finished again (the warm-up of a service apply restarted, and the after-state's
    # profiled run, are not among the repeats a load test's key counts)
    measured = [
        e for e in _events(resumed.stderr, "k6.start")
        if "/warmup-after/" not in e["script"] and not e["script"].endswith("-profiled.js")
    ]  # fmt: skip
    assert len(measured) == sum(k6_runs)
    sandbox = _kinds(after, "sandbox", "database")[-1]
    assert sandbox in _kinds(after, "service", "argv")[-1]  # validation measured the copy
    assert not Path(sandbox).exists()  # removed at the end, as an uninterrupted run does
    assert hashlib.sha256((folder / "shop.db").read_bytes()).hexdigest() == original
    return {"applied_now": applied_now, "applied": applied}


@pytest.mark.parametrize("node", NODES)
def test_a_live_run_killed_before_a_node_resumes_to_the_uninterrupted_outcome(
    node: str, tmp_path: Path, database: Path, k6_binary: str, uninterrupted: dict[str, Any]
) -> None:
    marker = tmp_path / "held"
    first, out, port = _start(tmp_path, database, k6_binary, **{HOLD_ENV: node, MARKER_ENV: str(marker)})
    try:
        for _ in range(1200):
            if marker.exists() or first.poll() is not None:
                break
            time.sleep(0.5)
        assert marker.exists(), _why_it_ended(out, tmp_path / "first.stderr")
        assert marker.read_text(encoding="utf-8") == node
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=60)
    (thread,) = [p.stem for p in (out / "threads").glob("*.json")]
    held_after_apply = NODES.index(node) > NODES.index("apply")
    assert bool(_kinds(_ledger(out, thread), "applied", "change")) == held_after_apply

    checked = _resume_and_check(out, tmp_path, port, k6_binary, uninterrupted, resumes_at=node)
    assert checked["applied_now"] == ([] if held_after_apply else checked["applied"])


def test_a_live_run_killed_during_its_profiling_load_test_takes_k6_and_py_spy_with_it(
    tmp_path: Path, database: Path, k6_binary: str, uninterrupted: dict[str, Any]
) -> None:
    first, out, port = _start(tmp_path, database, k6_binary)
    helpers: dict[int, str] = {}
    try:
        # until k6 drives the profiling load test while py-spy samples the service: the profiler runs two
        # recordings (busy and idle threads), so count kinds, not processes; validation's profiled
        # after-run also has two py-spy beside a k6 that is not before-baseline, and must not match
        for _ in range(1200):
            children = _children(first.pid)
            pyspy = {pid: line for pid, line in children.items() if "py-spy record" in line}
            k6 = {pid: cmd for pid, cmd in children.items() if "k6 run" in cmd and "before-baseline" in cmd}
            helpers = {**pyspy, **k6}
            if (pyspy and k6) or first.poll() is not None:
                break
            time.sleep(0.1)
        assert pyspy and k6, helpers
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=60)
    for _ in range(600):  # SIGKILL from the kernel as their parent exited; allow a slow machine
        if all(_gone(pid) for pid in helpers):
            break
        time.sleep(0.1)
    assert [pid for pid in helpers if not _gone(pid)] == []

    checked = _resume_and_check(out, tmp_path, port, k6_binary, uninterrupted, resumes_at="profiling")
    assert checked["applied_now"] == checked["applied"]
