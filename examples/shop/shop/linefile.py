"""An append-only text file written in batches: lines are buffered and flushed every second and on close."""

from __future__ import annotations

import threading
from pathlib import Path


class LineFile:
    """Thread-safe buffered line writer; a daemon thread flushes the buffer at least once a second."""

    def __init__(self, path: Path, *, flush_every_s: float = 1.0) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._file = path.open("a", encoding="utf-8")
        self._buffer: list[str] = []
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._flusher = threading.Thread(
            target=self._flush_periodically, args=(flush_every_s,), name=f"flush {path.name}", daemon=True
        )
        self._flusher.start()

    def write(self, line: str) -> None:
        with self._lock:
            self._buffer.append(line + "\n")

    def flush(self) -> None:
        with self._lock:
            lines, self._buffer = self._buffer, []
            if lines and not self._file.closed:
                self._file.writelines(lines)
                self._file.flush()

    def close(self) -> None:
        self._closed.set()
        self._flusher.join()
        self.flush()
        with self._lock:
            self._file.close()

    def _flush_periodically(self, every_s: float) -> None:
        while not self._closed.wait(every_s):
            self.flush()
