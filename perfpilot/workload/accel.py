"""The digest's optional C accelerator (_slowlog_c.c): the loaded module, or None to run pure Python.

The extension is built by `pip install -e .` (setup.py) next to its source. It is not used when it is
missing, when PERFPILOT_PURE_PYTHON is set, or when its source file is newer than the built module (an
edited source that was not rebuilt: `pip install -e .` or `make test` rebuilds it), so a stale compiled
copy never runs; `stale()` says so and a test fails on it.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import ModuleType

SOURCE = Path(__file__).with_name("_slowlog_c.c")


def _built(module: ModuleType) -> Path | None:
    path = getattr(module, "__file__", None)
    return Path(path) if path else None


def stale(module: ModuleType) -> bool:
    """True when the extension's C source (in a source checkout) is newer than the built module."""
    built = _built(module)
    try:
        return built is not None and SOURCE.stat().st_mtime > built.stat().st_mtime
    except OSError:  # an installed wheel ships no source: nothing to compare
        return False


def load() -> ModuleType | None:
    """The C accelerator when it is built, current and not switched off; else None."""
    if os.environ.get("PERFPILOT_PURE_PYTHON"):
        return None
    try:
        from perfpilot.workload import _slowlog_c
    except ImportError:
        return None
    return None if stale(_slowlog_c) else _slowlog_c


accelerator = load()
