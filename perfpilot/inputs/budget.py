"""A time budget for reading one source (SIGALRM on the main thread; elsewhere unbounded)."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from perfpilot.inputs.files import InputRejected


class _OverBudget(BaseException):
    """Raised by the alarm; a BaseException so a parser's `except Exception` cannot swallow it."""


def _on_alarm(signum: int, frame: object) -> None:
    raise _OverBudget


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Abort the block with InputRejected after `seconds` (POSIX main thread only)."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable or seconds <= 0:
        yield
        return
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _OverBudget:
        raise InputRejected(f"reading took longer than {seconds:g} s (PERFPILOT_SOURCE_TIMEOUT_S)") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
