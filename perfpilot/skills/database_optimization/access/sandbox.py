"""Sandbox copies of SQLite databases: what-if indexes and ANALYZE run on a copy, never the original."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SANDBOX_PREFIX = "perfpilot-sandbox-"


def sandbox_root() -> Path:
    """The directory under which every perfpilot sandbox lives."""
    return Path(tempfile.gettempdir())


def is_sandbox_path(path: Path | str) -> bool:
    """True when `path` lies inside a directory perfpilot created as a sandbox."""
    resolved = Path(path).resolve()
    return any(parent.name.startswith(SANDBOX_PREFIX) for parent in resolved.parents)


def copy_sqlite(source: Path, directory: Path) -> Path:
    """Copy a SQLite database with the online backup API (consistent even if it is being written)."""
    target = directory / source.name
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return target


@contextmanager
def sqlite_sandbox(source: Path) -> Iterator[Path]:
    """Yield a writable copy of `source` in a fresh sandbox directory, removed afterwards."""
    directory = Path(tempfile.mkdtemp(prefix=SANDBOX_PREFIX))
    try:
        yield copy_sqlite(source, directory)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
