"""Collapsed stacks (Brendan Gregg's folded format) -> Profile.

One line per distinct stack: frames root first, separated by ';', then a space and the sample count.
Read as the profilers write them:
- py-spy `record --format raw`: `name (file:line)` frames (`name (file)` with --nolineno); with
  --threads or --subprocesses a leading `thread (0x...)` or `process N:"cmd"` frame names the thread
  (kept as `process N`: a command line may hold secrets).
- `perf script | stackcollapse-perf.pl`: bare symbols, `_[k]` / `_[j]` / `_[i]` kind suffixes (dropped).
- async-profiler `-o collapsed`: `java/lang/Thread.run_[j]`-style frames, same suffixes.
A line holding only a count is a sample with no frames (py-spy: no Python frame was on the stack).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from perfpilot.evidence.errors import EvidenceError, open_text
from perfpilot.evidence.frame_index import FrameIndex
from perfpilot.evidence.profile_models import Profile, ProfileStack

_LOCATED = re.compile(r"^(?P<function>.+?) \((?P<file>[^()]+?)(?::(?P<line>\d+))?\)$")
_KIND_SUFFIX = re.compile(r"_\[[jikw0-9]\]$")
_CONTEXT = re.compile(r"^(?:thread \(0x[0-9a-fA-F]+\)|process \d+(?::.*)?)$", re.DOTALL)
_PROCESS = re.compile(r"^(process \d+):.*$", re.DOTALL)
_COUNT = re.compile(r"^\d+(?:\.\d+)?$")


def _frame(frames: FrameIndex, text: str) -> int:
    located = _LOCATED.match(text)
    if located is not None:
        line = located["line"]
        return frames.index(located["function"], located["file"], int(line) if line else None)
    return frames.index(_KIND_SUFFIX.sub("", text))


def parse_collapsed(lines: Iterable[str], source: str) -> Profile:
    """Every stack of a folded file (an iterable of lines); EvidenceError names the first bad line."""
    frames = FrameIndex()
    totals: dict[tuple[tuple[int, ...], str], float] = {}
    for number, raw in enumerate(lines, start=1):
        text = raw.rstrip("\r\n")
        if not text.strip() or text.startswith("#"):
            continue
        stack, _, count = text.rpartition(" ")
        if not _COUNT.match(count):
            raise EvidenceError(source, number, f"expected 'frame;frame;... COUNT', got {text[:80]!r}")
        parts = [p for p in stack.split(";") if p] if stack.strip() else []
        thread = ""
        while parts and _CONTEXT.match(parts[0]):
            label = _PROCESS.sub(r"\1", parts.pop(0))  # never the command line: it may hold secrets
            thread = f"{thread};{label}" if thread else label
        key = (tuple(_frame(frames, p) for p in parts), thread)
        totals[key] = totals.get(key, 0.0) + float(count)
    if not totals:
        raise EvidenceError(source, None, "no stacks in it (expected folded lines 'frame;frame COUNT')")
    stacks = [ProfileStack(frames=list(k[0]), value=v, thread=k[1]) for k, v in totals.items()]
    return Profile(source=source, format="collapsed", frames=frames.frames, stacks=stacks)


def load_collapsed(path: Path, *, source: str) -> Profile:
    with open_text(path, source) as handle:
        return parse_collapsed(handle, source)
