"""Ctrl-C in the middle of the closed loop: k6 and the service stop, finished steps are kept in the report."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def _children_named(words: tuple[str, ...], marker: str) -> list[str]:
    found = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout.splitlines()
    return [line for line in found if marker in line and any(w in line for w in words)]


@pytest.mark.parametrize(
    ("sent", "exit_code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["ctrl-c", "sigterm"]
)
def test_a_stop_during_the_baseline_load_test(
    tmp_path: Path, k6_binary: str, sent: signal.Signals, exit_code: int
) -> None:
    assert _port_free(8765), "something already listens on 8765"
    subprocess.run(
        [sys.executable, "-c", "import perfpilot.cli.demo as d; d.build_data()"], check=True, timeout=300
    )
    log = tmp_path / "demo.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "perfpilot.cli.demo", "--quick", "--out", str(tmp_path / "out")],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 180
        while "before-baseline-1" not in log.read_text() and time.monotonic() < deadline:
            assert proc.poll() is None, log.read_text()[-2000:]
            time.sleep(0.2)
        time.sleep(2)  # k6 is measuring the baseline now
        proc.send_signal(sent)
        code = proc.wait(timeout=60)
    assert code == exit_code, log.read_text()[-2000:]
    time.sleep(0.5)
    assert _port_free(8765)
    assert not _children_named(("k6 run", "shop.serve"), str(tmp_path))
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["status"] == "interrupted"
    assert report["error"].startswith("interrupted (Ctrl-C or SIGTERM)")
