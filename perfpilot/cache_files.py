"""perfpilot's cache folder: files a run can always rebuild, kept to start faster, never required.

The folder is PERFPILOT_CACHE_DIR, else $XDG_CACHE_HOME/perfpilot, else ~/.cache/perfpilot (read when a
file is looked up, not at import). A file is written whole or not at all (a temporary file renamed over
it), and a folder that cannot be created or written only means the next run rebuilds the file again.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import structlog

log = structlog.get_logger(__name__)


def cache_folder() -> Path:
    """Where perfpilot keeps its cache files (not created here)."""
    explicit = os.environ.get("PERFPILOT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base / "perfpilot"


def read_cached(name: str) -> bytes | None:
    """The bytes of cache file `name`, or None when there is none or it cannot be read."""
    try:
        return (cache_folder() / name).read_bytes()
    except (OSError, RuntimeError):  # RuntimeError: Path.home() without a home directory
        return None


def write_cached(name: str, data: bytes) -> bool:
    """Store `data` as cache file `name`, atomically; False (and a debug log line) when it cannot."""
    try:
        folder = cache_folder()
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(temporary, folder / name)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except (OSError, RuntimeError) as exc:
        log.debug("cache.not_written", file=name, error=str(exc))
        return False
    return True
