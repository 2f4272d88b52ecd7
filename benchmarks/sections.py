"""What every benchmark's report shares: the CPU model it ran on, and its generated part of a docs section."""

from __future__ import annotations

import platform
from pathlib import Path


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo (else what `platform` knows)."""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def replace_generated(path: Path, start: str, end: str, text: str, heading: str | None = None) -> None:
    """Put `text` between the `start` and `end` markers of a section file, keeping the prose around them.
    A file without the markers gets them appended (a new file starts with `heading` when given)."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    body = f"{start}\n{text.rstrip(chr(10))}\n{end}"
    if start in old and end in old:
        before, rest = old.split(start, 1)
        path.write_text(f"{before}{body}{rest.split(end, 1)[1]}", encoding="utf-8")
    elif old:
        path.write_text(f"{old}{body}\n", encoding="utf-8")
    else:
        path.write_text(f"## {heading}\n\n{body}\n" if heading else f"{body}\n", encoding="utf-8")
