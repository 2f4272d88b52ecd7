"""One process per thread: a second `perfpilot run --resume` of a thread that is running exits 2 naming the
holder's pid; the lock goes with its process (kill -9 included), so the killed run's resume proceeds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from perfpilot.run.crash_hook import HOLD_ENV, MARKER_ENV
from perfpilot.run.thread_lock import ThreadBusy, holding_thread, lock_path
from tests.conftest import ROOT

TARGET = ROOT / "examples" / "recorded" / "target.yaml"
RUN = [sys.executable, "-m", "perfpilot.cli.app", "run"]


def test_a_second_holder_of_a_thread_is_refused_until_the_first_lets_go(tmp_path: Path) -> None:
    with holding_thread(tmp_path, "abc123") as path:
        assert path == lock_path(tmp_path, "abc123") == tmp_path / "threads" / "abc123.lock"
        assert path.read_text(encoding="utf-8") == f"{os.getpid()}\n"
        with pytest.raises(ThreadBusy) as refused, holding_thread(tmp_path, "abc123"):
            pass
        assert str(refused.value) == (
            f"thread abc123 is already running in process {os.getpid()} (lock {path}): wait for it to end, "
            "or stop that process, then resume"
        )
        with holding_thread(tmp_path, "other1"):  # another thread of the folder is free
            pass
        assert sorted(p.name for p in path.parent.iterdir()) == ["abc123.lock"]
    assert not path.exists() and not path.parent.exists()  # let go: nothing left behind
    with holding_thread(tmp_path, "abc123"):  # free again
        pass


def test_resuming_a_thread_that_runs_exits_2_naming_its_process_then_resumes_once_it_is_killed(
    tmp_path: Path,
) -> None:
    out, marker = tmp_path / "out", tmp_path / "held"
    first = subprocess.Popen(
        [*RUN, str(TARGET), "--out", str(out), "--headless"],
        env={**os.environ, HOLD_ENV: "analysis", MARKER_ENV: str(marker)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(600):
            if marker.exists() or first.poll() is not None:
                break
            time.sleep(0.5)
        assert marker.read_text(encoding="utf-8") == "analysis"
        (record,) = (out / "threads").glob("*.json")
        thread = record.stem

        second = subprocess.run(
            [*RUN, "--resume", thread, "--out", str(out), "--headless"], capture_output=True, timeout=300
        )
        assert second.returncode == 2
        assert second.stderr.decode().splitlines() == [
            f"perfpilot: thread {thread} is already running in process {first.pid} "
            f"(lock {out / 'threads' / f'{thread}.lock'}): wait for it to end, or stop that process, "
            "then resume"
        ]
        assert first.poll() is None  # the holder runs on, untouched
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=60)

    third = subprocess.run(
        [*RUN, "--resume", thread, "--out", str(out), "--headless"], capture_output=True, timeout=300
    )
    assert third.returncode == 4, third.stderr.decode()[-2000:]  # the recorded example ends projected
    assert third.stderr.decode().splitlines()[0] == (
        f"perfpilot: thread {thread} (continue: perfpilot run --resume {thread} --out {out})"
    )
