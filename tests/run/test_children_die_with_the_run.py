"""k6 and py-spy started by a run end when the run is killed with SIGKILL (PR_SET_PDEATHSIG), instead of
loading the service on, unnoticed; without the request (the control) the same child outlives its parent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux only")

STARTERS = {
    "k6": """
        from perfpilot.skills.load_test.runner import run_k6
        run_k6([FAKE], env={"PATH": "/usr/bin:/bin"}, cwd=FOLDER, timeout_s=600)
    """,
    "py-spy": """
        import time
        from perfpilot.skills.application_profiling import pyspy
        pyspy.pyspy_binary = lambda: str(FAKE)
        pyspy.PySpyRecording(os.getpid(), FOLDER / "stacks.txt", duration_s=600, rate_hz=10).start()
        time.sleep(600)
    """,
}


UNPROTECTED = """
import perfpilot.skills.application_profiling.pyspy as p
import perfpilot.skills.load_test.runner as r
r.die_with_parent = p.die_with_parent = lambda: None
"""


def _gone(pid: int) -> bool:
    """Exited: no such process, or a zombie nobody has reaped yet."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8")
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[0] in ("Z", "X")


def _kill_pending(pid: int) -> bool:
    """Whether SIGKILL is pending for pid (its own or its thread group's pending set)."""
    status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8").splitlines()
    masks = [int(line.split()[1], 16) for line in status if line.startswith(("SigPnd:", "ShdPnd:"))]
    return any(mask & (1 << (signal.SIGKILL - 1)) for mask in masks)


@pytest.mark.parametrize("protected", [True, False], ids=["pdeathsig", "control"])
@pytest.mark.parametrize("child", sorted(STARTERS))
def test_a_helper_process_ends_with_the_run_that_was_killed(
    child: str, protected: bool, tmp_path: Path
) -> None:
    fake, pid_file = tmp_path / "fake-tool", tmp_path / "child.pid"
    fake.write_text(f"#!/bin/sh\necho $$ > {pid_file}\nexec sleep 600\n", encoding="utf-8")
    fake.chmod(0o755)
    prologue = "import os\nfrom pathlib import Path\n"
    prologue += f"FAKE, FOLDER = Path({str(fake)!r}), Path({str(tmp_path)!r})\n"
    prologue += "" if protected else UNPROTECTED
    run = subprocess.Popen([sys.executable, "-c", prologue + textwrap.dedent(STARTERS[child])], cwd=ROOT)
    child_pid = 0
    try:
        for _ in range(600):
            if (pid_file.exists() and pid_file.read_text(encoding="utf-8").strip()) or run.poll() is not None:
                break
            time.sleep(0.1)
        child_pid = int(pid_file.read_text(encoding="utf-8"))
        run.send_signal(signal.SIGKILL)
        run.wait(timeout=60)
        if protected:  # the kernel sent SIGKILL as the parent exited; let a slow machine deliver it
            for _ in range(600):
                if _gone(child_pid):
                    break
                time.sleep(0.1)
            assert _gone(child_pid)
        else:  # its parent reaped, the child runs on with no signal on its way: it would load forever
            assert not _gone(child_pid) and not _kill_pending(child_pid)
    finally:
        if child_pid and not _gone(child_pid):
            os.kill(child_pid, signal.SIGKILL)
