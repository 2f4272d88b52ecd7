"""Context switches are every thread's, summed per thread over the window (a process's own figure is its
main thread's): on fixed /proc trees, and on a live process whose only waiting thread is not the main one."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from perfpilot.skills.application_profiling.process_watch import ProcessWatch
from perfpilot.skills.application_profiling.thread_switches import ThreadSwitchWindow, read_thread_switches


def _task(proc: Path, pid: int, tid: int, voluntary: int, involuntary: int) -> None:
    folder = proc / str(pid) / "task" / str(tid)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "status").write_text(
        f"Name:\tpython\nPid:\t{tid}\nvoluntary_ctxt_switches:\t{voluntary}\n"
        f"nonvoluntary_ctxt_switches:\t{involuntary}\n",
        encoding="ascii",
    )


def test_each_thread_is_read_from_its_own_status(tmp_path: Path) -> None:
    _task(tmp_path, 10, 10, 6, 568)
    _task(tmp_path, 10, 11, 237, 5)
    (tmp_path / "10" / "task" / "12").mkdir()  # exited between the listing and the read: no status
    assert read_thread_switches(10, tmp_path) == {10: (6.0, 568.0), 11: (237.0, 5.0)}
    assert read_thread_switches(99, tmp_path) is None


def test_the_window_sums_per_thread_changes_across_births_and_exits() -> None:
    window = ThreadSwitchWindow()
    window.add({10: (6.0, 500.0), 11: (200.0, 5.0), 12: (50.0, 1.0)})
    assert window.change() is None  # one reading is no window
    window.add({10: (7.0, 520.0), 11: (230.0, 5.0), 13: (4.0, 0.0)})  # 12 exited, 13 was born
    window.add({10: (8.0, 530.0), 11: (237.0, 6.0), 13: (9.0, 2.0)})
    # 10: 2 + 30; 11: 37 + 1; 12: its last reading, no change; 13: from zero, 9 + 2
    assert window.change() == (48.0, 33.0)


def test_a_live_process_counts_the_switches_of_its_sleeping_worker_thread() -> None:
    script = (
        "import threading, time\n"
        "def wait():\n    while True: time.sleep(0.01)\n"
        "threading.Thread(target=wait, daemon=True).start()\n"
        "while True: sum(i * i for i in range(10000))\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script])
    try:
        watch = ProcessWatch(proc.pid, interval_s=0.2)
        watch.start()
        deadline = time.monotonic() + 60
        while watch.switches.samples < 3 and time.monotonic() < deadline:
            time.sleep(0.1)
        watch.stop()
    finally:
        proc.kill()
        proc.wait()
    per_thread = watch.switches.change()
    assert per_thread is not None
    assert watch.change("voluntary_switches") == per_thread[0]
    # the sleeping thread's switches are there, whatever the main thread's own counter says
    assert len(watch.switches.last) == 2 and per_thread[0] > 0
