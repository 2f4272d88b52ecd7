"""Watch a process and its children while a load test runs: RSS and I/O bytes, once a second (psutil)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import psutil

INTERVAL_S = 1.0


@dataclass
class ProcessWatch:
    """A background sampler; points are (seconds since start, RSS bytes of the process tree)."""

    pid: int
    interval_s: float = INTERVAL_S
    rss: list[tuple[float, float]] = field(default_factory=list)
    io_first: tuple[int, int] | None = None
    io_last: tuple[int, int] | None = None
    started: float = 0.0
    ended: float = 0.0
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
        rss, read, written, io_known = 0, 0, 0, True
        for proc in tree:
            try:
                rss += proc.memory_info().rss
                counters = proc.io_counters()
                read, written = read + counters.read_bytes, written + counters.write_bytes
            except (psutil.Error, AttributeError):
                io_known = False  # a child gone, or I/O counters not readable: RSS still counts
        self.rss.append((time.monotonic() - self.started, float(rss)))
        if io_known:
            self.io_first = self.io_first or (read, written)
            self.io_last = (read, written)

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
