"""The `perfpilot` process's end: once the command is done and nothing it wrote can be lost, exit at once.

CPython's ordinary exit tears down every module and frees every object (~1,750 modules after an offline
run: ~0.07 s of CPU more than this end) before the process ends; the operating system reclaims the same
memory when the process ends either way. The command closes what it writes itself
(reports, checkpoints and thread records are written whole inside with blocks), so after it returns the
only work left that matters is what the ordinary exit does first: flushing stdout and stderr and running
`atexit` handlers (logging's shutdown, temporary folders' cleanup, coverage's data). This module does
exactly that and ends the process with `os._exit`, and only when it can tell nothing is pending: the main
thread is the only thread, no profiler or tracer is running (`python -m cProfile` writes its data after
the program returns), and no file descriptor opened since start-up is still open for writing (an unclosed
file's buffer is written by the ordinary teardown). Otherwise, or where /proc/self/fd cannot be
read, the process exits the ordinary way. Only the console entry point calls it.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
from pathlib import Path

_FD_FOLDER = Path("/proc/self/fd")
_at_start: dict[int, tuple[int, int]] | None = None


def _open_descriptors() -> dict[int, tuple[int, int]] | None:
    """The process's open file descriptors, each with the (device, inode) it refers to, or None where the
    system does not list them."""
    try:
        listed = [int(name) for name in os.listdir(_FD_FOLDER)]
    except (OSError, ValueError):
        return None
    found: dict[int, tuple[int, int]] = {}
    for fd in listed:
        try:
            info = os.fstat(fd)
        except OSError:
            continue  # the listing's own descriptor, closed since
        found[fd] = (info.st_dev, info.st_ino)
    return found


def note_start() -> None:
    """Remember the descriptors open before the command runs (inherited ones: stdin, stdout, pipes)."""
    global _at_start
    _at_start = _open_descriptors()


def _writable(fd: int) -> bool:
    """Whether an open fd can be written (unknown flags count as writable)."""
    try:
        return _access_mode(fd) != os.O_RDONLY
    except (OSError, ValueError):
        return True


def _access_mode(fd: int) -> int:
    """O_RDONLY, O_WRONLY or O_RDWR of an open descriptor (from /proc/self/fdinfo)."""
    for line in Path(f"/proc/self/fdinfo/{fd}").read_text(encoding="ascii").splitlines():
        if line.startswith("flags:"):
            return int(line.split()[1], 8) & os.O_ACCMODE
    raise OSError(f"no flags for descriptor {fd}")


def pending_writes() -> list[str]:
    """Why the process cannot end at once (empty when it can): other live threads, descriptors the command
    opened and left open for writing, or descriptors that cannot be listed."""
    reasons = [f"thread {t.name}" for t in threading.enumerate() if t is not threading.main_thread()]
    if sys.getprofile() is not None or sys.gettrace() is not None:
        reasons.append("a profiler or tracer is running (it writes its data when the program returns)")
    now = _open_descriptors()
    if now is None or _at_start is None:
        return [*reasons, "open descriptors unknown"]
    opened = sorted(fd for fd, what in now.items() if _at_start.get(fd) != what)
    for fd in opened:
        if _writable(fd):
            reasons.append(f"descriptor {fd} open for writing")
    return reasons


def end(code: int) -> None:
    """End the process with `code` now, after flushing stdout and stderr and running the `atexit` handlers,
    when nothing is pending; otherwise return (the caller exits the ordinary way)."""
    if pending_writes() or not _flushed():
        return
    atexit._run_exitfuncs()
    if not _flushed():  # an atexit handler printed and the stream fails now: the ordinary exit reports it
        return
    os._exit(code)


def _flushed() -> bool:
    """Whether stdout and stderr were flushed (a closed or broken stream is left to the ordinary exit)."""
    for stream in (sys.stdout, sys.stderr):
        if stream is None:
            continue
        try:
            stream.flush()
        except (OSError, ValueError):
            return False
    return True
