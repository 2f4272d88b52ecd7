"""The `perfpilot` process's cyclic garbage collector: paused while a run's modules load, skipped at exit.

A short run spends a third of its CPU in CPython's collector without freeing anything: loading ~1,700
modules (LangGraph, langsmith, pydantic's schemas) allocates millions of long-lived objects, and each time
the heap grows by a quarter a full collection rescans all of it; at exit the interpreter's final
collection scans it once more before the process ends. `gc.freeze()` moves what exists to the permanent
generation, which collections skip. Only the console entry point arms this (`arm()` in `main()`): a
library caller, a test process or a server keeps CPython's defaults, and a run's own work (evidence,
skills, graph) is collected as usual.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

_armed = False
_loaded = False  # start-up happens once: a second run in the process (`perfpilot demo`) collects as usual


def arm() -> None:
    """This process is the `perfpilot` command: it ends when the command returns."""
    global _armed
    _armed = True


def armed() -> bool:
    return _armed


@contextmanager
def loading_modules() -> Iterator[None]:
    """No collection while the block imports; what it loaded is then frozen (it lives as long as the
    process) and collection resumes. Does nothing unless armed, after the first time (a later run's
    garbage is never frozen), or when collection was already off."""
    global _loaded
    if not _armed or _loaded or not gc.isenabled():
        yield
        return
    _loaded = True
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def before_exit() -> None:
    """Freeze the heap so the interpreter's final collection skips it: the process ends next, and every
    file, database and child process was closed by the command itself (with blocks, context managers)."""
    if _armed:
        gc.freeze()
