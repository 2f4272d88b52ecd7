"""One process at a time per thread: an exclusive lock file beside the thread's record, naming its holder.

The lock is an flock(2) on `threads/<id>.lock` (holding the holder's pid): the kernel drops it when its
process ends, kill -9 included, so a crashed run never blocks its own resume, while a second `perfpilot run
--resume` of a thread that is still running is refused (two processes would apply, measure and checkpoint
at once)."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from perfpilot.run.threads import thread_record_path

LOCK_SUFFIX = ".lock"


class ThreadBusy(Exception):
    """Another live process holds the thread; the message names its pid and the lock file."""


def lock_path(out: Path, thread_id: str) -> Path:
    """The lock file of thread_id in out (beside its record)."""
    return thread_record_path(out, thread_id).with_suffix(LOCK_SUFFIX)


@contextmanager
def holding_thread(out: Path, thread_id: str) -> Iterator[Path]:
    """Hold thread_id's lock for the block; ThreadBusy at once when another process holds it. The file is
    removed as the lock is let go (so a failed run leaves nothing behind)."""
    path = lock_path(out, thread_id)
    fd = _acquire(path, thread_id)
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield path
    finally:
        path.unlink(missing_ok=True)  # still held: whoever opened this file retries on the new one
        os.close(fd)
        with suppress(OSError):
            path.parent.rmdir()  # only when no thread record is there either


def _acquire(path: Path, thread_id: str) -> int:
    """An open descriptor of the lock file at path, locked by us (the file at path, not a removed one)."""
    while True:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except FileNotFoundError:
            continue  # the folder was removed between the two calls
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise ThreadBusy(
                f"thread {thread_id} is already running in process {holder} (lock {path}): wait for it "
                "to end, or stop that process, then resume"
            ) from None
        try:
            current = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            current = False
        if current:
            return fd
        os.close(fd)  # its holder removed it while letting go: lock the file now at path
