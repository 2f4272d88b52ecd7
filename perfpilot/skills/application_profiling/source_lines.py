"""A profile frame's line of Python source, read only from the service's own source folders."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from perfpilot.evidence.profile_models import ProfileFrame
from perfpilot.target.spec import Target


@lru_cache(maxsize=256)
def _lines(path: Path) -> tuple[str, ...]:
    try:
        return tuple(path.read_text(errors="replace").splitlines())
    except OSError:
        return ()


def source_line(frame: ProfileFrame, roots: tuple[Path, ...]) -> str | None:
    """The frame's line of Python source, read only from a file inside one of `roots`."""
    if not frame.file.endswith(".py") or not frame.line:
        return None
    for root in roots:
        base = root.resolve()
        path = (base / frame.file).resolve()  # an absolute frame.file stays itself
        if not path.is_relative_to(base) or not path.is_file():
            continue
        lines = _lines(path)
        if frame.line <= len(lines):
            return lines[frame.line - 1].strip()
    return None


def source_roots(target: Target) -> tuple[Path, ...]:
    """Where the service's source is: its declared working folder, and the target file's folder."""
    service = target.evidence.service
    roots = [service.workdir] if service is not None and service.workdir is not None else []
    return tuple(dict.fromkeys([*roots, target.root]))
