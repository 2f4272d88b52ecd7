"""The digest's optional C accelerators (_slowlog_c.c, _literals_c.c, _tally_c.c): modules, or None.

The extensions are built by `pip install -e .` (setup.py) next to their sources, each recording the
SHA-256 of the source it was built from. One is not used when it is missing, when PERFPILOT_PURE_PYTHON
is set, or when its source file (in a source checkout) no longer matches that digest (an edited source
that was not rebuilt: `pip install -e .` or `make test` rebuilds it), so a stale compiled copy never
runs; `stale()` says so and a test fails on it.
"""

from __future__ import annotations

import hashlib
import importlib
import os
from pathlib import Path
from types import ModuleType

NAMES = ("_slowlog_c", "_literals_c", "_tally_c")


def source_of(name: str) -> Path:
    """The C source of extension `name` (present in a source checkout)."""
    return Path(__file__).with_name(f"{name}.c")


def stale(module: ModuleType) -> bool:
    """True when the extension's C source (in a source checkout) is not the one it was built from."""
    try:
        source = source_of(module.__name__.rsplit(".", 1)[-1]).read_bytes()
    except OSError:  # an installed wheel ships no source: nothing to compare
        return False
    return getattr(module, "SOURCE_DIGEST", None) != hashlib.sha256(source).hexdigest()


def load(name: str) -> ModuleType | None:
    """The extension `name` when it is built, current and not switched off; else None."""
    if os.environ.get("PERFPILOT_PURE_PYTHON"):
        return None
    try:
        module = importlib.import_module(f"perfpilot.workload.{name}")
    except ImportError:
        return None
    return None if stale(module) else module


slowlog = load("_slowlog_c")
literals = load("_literals_c")
tally = load("_tally_c")
