"""Pause Python's cyclic garbage collector while a loader builds many acyclic records.

Reading an exposition at the metrics cap allocates ~2 million tuples, dicts and models, none in a cycle:
the collector's passes over them find nothing and cost about a third of the CPU time (3.5 of 9.3 s on a
16 MiB file). Reference counting still frees everything as usual; only cycle detection waits.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Disable the cyclic collector for the block; re-enable it after only if it was enabled before."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
