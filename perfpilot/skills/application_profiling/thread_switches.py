"""Context switches of every thread of a process tree, counted per thread over a window.

On Linux a process's own counters (/proc/PID/status, which psutil's num_ctx_switches reads) are its main
thread's alone: a threaded server's workers, where the waiting happens, were missing. Each thread's counters
are in /proc/PID/task/TID/status. A thread that exits takes its counters with it, so the window's change is
summed per thread (last reading minus first), never as the difference of two sums over the live threads;
a thread born in the window counts from zero, and one that exits keeps what its last reading showed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

Switches = tuple[float, float]
"""(voluntary, involuntary)."""

_FIELDS = {"voluntary_ctxt_switches": 0, "nonvoluntary_ctxt_switches": 1}


def read_thread_switches(pid: int, proc: Path = Path("/proc")) -> dict[int, Switches] | None:
    """Each live thread's switches by thread id; None where the process's task folder cannot be read."""
    tasks = proc / str(pid) / "task"
    try:
        tids = [int(p.name) for p in tasks.iterdir() if p.name.isdigit()]
    except OSError:
        return None
    found: dict[int, Switches] = {}
    for tid in tids:
        try:
            text = (tasks / str(tid) / "status").read_text(encoding="ascii", errors="replace")
        except OSError:
            continue  # exited between the listing and the read
        values = [0.0, 0.0]
        seen = 0
        for line in text.splitlines():
            name, _, value = line.partition(":")
            if name in _FIELDS and value.strip().isdigit():
                values[_FIELDS[name]] = float(value)
                seen += 1
        if seen == len(_FIELDS):
            found[tid] = (values[0], values[1])
    return found


@dataclass
class ThreadSwitchWindow:
    """Per-thread first and last readings over a window of samples."""

    first: dict[int, Switches] = field(default_factory=dict)
    last: dict[int, Switches] = field(default_factory=dict)
    samples: int = 0

    def add(self, readings: dict[int, Switches]) -> None:
        """One sample of the tree's threads (every process's threads together, keyed by thread id)."""
        for tid, values in readings.items():
            if tid not in self.first:
                self.first[tid] = values if self.samples == 0 else (0.0, 0.0)  # born in the window
            self.last[tid] = values
        self.samples += 1

    def change(self) -> Switches | None:
        """(voluntary, involuntary) over the window; None before two samples."""
        if self.samples < 2:
            return None
        voluntary = sum(self.last[t][0] - self.first[t][0] for t in self.last)
        involuntary = sum(self.last[t][1] - self.first[t][1] for t in self.last)
        return voluntary, involuntary
