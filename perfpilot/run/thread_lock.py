"""One process at a time per thread: an exclusive lock file beside the thread's record, naming its holder.

The lock is an flock(2) on `threads/<id>.lock`: the kernel drops it when its process ends, kill -9
included, so a crashed run never blocks its own resume, while a second `perfpilot run --resume` of a
thread that is still running is refused (two processes would apply, measure and checkpoint at once)."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from perfpilot.run.threads import THREADS_DIR, thread_record_path

LOCK_SUFFIX = ".lock"


class ThreadBusy(Exception):
    """Another live process holds the thread; the message names its pid and the lock file."""


def lock_path(out: Path, thread_id: str) -> Path:
    """The lock file of thread_id in out (beside its record)."""
    return thread_record_path(out, thread_id).with_suffix(LOCK_SUFFIX)


@contextmanager
def holding_thread(out: Path, thread_id: str) -> Iterator[Path]:
    """Hold thread_id's lock for the block; ThreadBusy at once when another process holds it."""
    path = lock_path(out, thread_id)
    (out / THREADS_DIR).mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            raise ThreadBusy(
                f"thread {thread_id} is already running in process {holder} (lock {path}): wait for it "
                "to end, or stop that process, then resume"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield path
    finally:
        os.close(fd)  # releases the lock; the file stays (removing it would race a waiting opener)
