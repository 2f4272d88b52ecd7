"""Helper processes (k6, py-spy) that end with the run that started them, even when it is killed with -9.

On Linux the child asks the kernel, between fork and exec, for SIGKILL when its parent thread ends
(prctl PR_SET_PDEATHSIG; kept across exec). A run killed with SIGKILL cannot stop its children itself, and a
k6 left running would keep loading the service (and skew the measurements of the run that resumes it).
The thread that starts the child must outlive it: callers start and wait for it in one call. Elsewhere
(no prctl) this is a no-op and the run's own stop paths remain."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
from collections.abc import Callable
from functools import cache

PR_SET_PDEATHSIG = 1


@cache
def _prctl() -> Callable[..., int] | None:
    """libc's prctl on Linux (loaded on first use), else None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    except OSError:
        return None
    prctl: Callable[..., int] = libc.prctl
    return prctl


def die_with_parent() -> Callable[[], None] | None:
    """A Popen preexec_fn making the child receive SIGKILL when this thread ends; None where unsupported.
    The child exits at once when its parent already died before the request took effect; when the kernel
    refuses the request the child runs on as before."""
    prctl = _prctl()
    if prctl is None:
        return None
    parent, kill = os.getpid(), int(signal.SIGKILL)

    def request() -> None:  # runs in the child: no locks, no imports, only the call and a check
        if prctl(PR_SET_PDEATHSIG, kill, 0, 0, 0) == 0 and os.getppid() != parent:
            os._exit(127)  # the parent died before the request took effect: nobody is left to stop us

    return request
