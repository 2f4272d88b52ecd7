"""Watch a process and its children while a load test runs, once a second (psutil, from /proc on Linux):
RSS, and the counters whose change over the window the report gives - CPU seconds, I/O bytes and calls
(read/write system calls, characters through them, bytes that reached the storage layer), and context
switches (voluntary: the thread waited - I/O, a lock, a sleep; involuntary: it was preempted), summed over
every thread (thread_switches.py) where /proc has them, since a process's own figure is its main thread's."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import psutil

from perfpilot.skills.application_profiling.thread_switches import ThreadSwitchWindow, read_thread_switches

INTERVAL_S = 1.0
COUNTERS = (
    "cpu_s",
    "read_bytes",
    "write_bytes",
    "read_syscalls",
    "write_syscalls",
    "read_chars",
    "write_chars",
    "voluntary_switches",
    "involuntary_switches",
)


def _counters(proc: psutil.Process) -> dict[str, float]:
    """One process's counters; I/O ones only where the platform exposes them (KeyError-free subset)."""
    cpu = proc.cpu_times()
    switches = proc.num_ctx_switches()
    found = {
        "cpu_s": cpu.user + cpu.system,
        "voluntary_switches": float(switches.voluntary),
        "involuntary_switches": float(switches.involuntary),
    }
    io = proc.io_counters()
    found |= {"read_bytes": float(io.read_bytes), "write_bytes": float(io.write_bytes)}
    found |= {"read_syscalls": float(io.read_count), "write_syscalls": float(io.write_count)}
    if hasattr(io, "read_chars"):  # Linux: rchar / wchar of /proc/<pid>/io
        found |= {"read_chars": float(io.read_chars), "write_chars": float(io.write_chars)}
    return found


@dataclass
class ProcessWatch:
    """A background sampler; points are (seconds since start, RSS bytes of the process tree)."""

    pid: int
    interval_s: float = INTERVAL_S
    rss: list[tuple[float, float]] = field(default_factory=list)
    first: dict[str, float] | None = None
    last: dict[str, float] | None = None
    started: float = 0.0
    ended: float = 0.0
    switches: ThreadSwitchWindow = field(default_factory=ThreadSwitchWindow)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def _tree(self) -> list[psutil.Process]:
        root = psutil.Process(self.pid)
        return [root, *root.children(recursive=True)]

    def _sample(self) -> None:
        try:
            tree = self._tree()
        except psutil.Error:
            return
        rss, totals, known = 0, dict.fromkeys(COUNTERS, 0.0), True
        threads: dict[int, tuple[float, float]] = {}
        per_thread = True
        for proc in tree:
            try:
                rss += proc.memory_info().rss
                for name, value in _counters(proc).items():
                    totals[name] += value
            except (psutil.Error, AttributeError):
                known = False  # a child gone, or counters not readable: RSS still counts
            found = read_thread_switches(proc.pid)
            if found is not None:
                threads |= found
            elif proc.pid == self.pid:  # no per-thread counters here (not Linux): the process's own figure
                per_thread = False
        if per_thread:
            self.switches.add(threads)
        self.rss.append((time.monotonic() - self.started, float(rss)))
        if known:
            self.first = self.first or totals
            self.last = totals

    def change(self, name: str) -> float | None:
        """How much a counter grew over the window (None when it was never read)."""
        if self.first is None or self.last is None:
            return None
        per_thread = self.switches.change()
        if per_thread is not None and name in ("voluntary_switches", "involuntary_switches"):
            return per_thread[0 if name == "voluntary_switches" else 1]
        return self.last[name] - self.first[name]

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.interval_s)

    def start(self) -> None:
        self.started = time.monotonic()
        self._thread = threading.Thread(target=self._loop, name="process-watch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self._sample()
        self.ended = time.monotonic()

    @property
    def window_s(self) -> float:
        return max(0.0, self.ended - self.started)
