"""Lock waits in a profile, including the ones no lock frame shows.

CPython's threading.Lock and RLock are C objects: a thread blocked in `with lock:` or `lock.acquire()`
has no acquire frame, and py-spy --idle samples it at the line of the application function that took
the lock. A stack counts as a lock wait when the lock_contention pattern marks a frame on it (Python-level
waits: Condition.wait, Semaphore.acquire, Go and Java lock frames), or when its innermost frame is
application code whose source line (read from the service's own source folders) acquires something
lock-like (`with <...lock...>:`, `.acquire(`). In a recording of every thread (py-spy --idle), other
stacks ending in application code wait or run at that line for a reason the profile does not say: they
are reported as such, never guessed to be locks. Threads idle for want of work are set aside."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from perfpilot.evidence.profile_models import Profile, ProfileFrame
from perfpilot.skills.application_profiling.origins import origin
from perfpilot.skills.application_profiling.patterns import PATTERNS, PatternHit
from perfpilot.skills.application_profiling.source_lines import source_line
from perfpilot.skills.application_profiling.thread_time import idle_for_work

LOCK_CONTENTION = next(p for p in PATTERNS if p.kind == "lock_contention")
_LOCK_LINE = re.compile(
    r"^\s*with\s+[^#]*?(?:lock|mutex|semaphore|sem|condition|cond|cv)(?:\b|_)[^#]*:|"
    r"\.acquire\(",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class UnexplainedWait:
    """Samples ending in an application line with no frame below it, not known to be a lock."""

    frame: ProfileFrame
    share: float
    source: str | None
    """The line's text, when the source was found."""


def lock_waits(
    profile: Profile, roots: tuple[Path, ...], *, every_thread: bool
) -> tuple[PatternHit | None, list[UnexplainedWait]]:
    """The lock-wait hit (None below the pattern's minimum share) and, for a recording of every thread,
    the application lines other samples end in (shares >= that minimum). Shares are of the samples left
    once threads idle for want of work are set aside (every_thread) or of all samples."""
    locks: dict[int, float] = defaultdict(float)
    others: dict[int, float] = defaultdict(float)
    working = 0.0
    for stack in profile.stacks:
        frames = [profile.frames[i] for i in stack.frames]
        idle = any(idle_for_work(f) for f in frames)
        if every_thread and idle:
            continue
        working += stack.value
        first = next((n for n, f in enumerate(frames) if LOCK_CONTENTION.marks(f)), None)
        if first is not None:
            if idle:
                continue
            caller = next((n for n in range(first - 1, -1, -1) if origin(frames[n]) == "application"), None)
            locks[stack.frames[caller] if caller is not None else -1] += stack.value
            continue
        if not frames or origin(frames[-1]) != "application":
            continue
        text = source_line(frames[-1], roots)
        if text is not None and _LOCK_LINE.search(text):
            locks[stack.frames[-1]] += stack.value
        elif every_thread:
            others[stack.frames[-1]] += stack.value
    if working <= 0:
        return None, []
    share = sum(locks.values()) / working
    hit = None
    if locks and share >= LOCK_CONTENTION.min_share:
        unknown = ProfileFrame(function="(no application frame on the stack)")
        callers = sorted(
            ((profile.frames[i] if i >= 0 else unknown, v / working) for i, v in locks.items()),
            key=lambda pair: (-pair[1], pair[0].label),
        )
        texts = [(f, source_line(f, roots)) for f, _ in callers[:3]]
        lines = [f"{f.label}: `{t}`" for f, t in texts if t is not None and _LOCK_LINE.search(t)]
        hit = PatternHit(LOCK_CONTENTION, share, callers, detail="; ".join(lines))
    unexplained = [
        UnexplainedWait(profile.frames[i], v / working, source_line(profile.frames[i], roots))
        for i, v in sorted(others.items(), key=lambda kv: -kv[1])
        if v / working >= LOCK_CONTENTION.min_share
    ]
    return hit, unexplained


def unexplained_note(profile: Profile, wait: UnexplainedWait) -> str:
    """One line: where the threads were, and why that is all the profile says."""
    why = (
        f"the line is `{wait.source}`, not a lock acquisition"
        if wait.source is not None
        else "its source was not found under the service's folders, so what it waits on is unknown"
    )
    return (
        f"{profile.source}: {wait.share:.0%} of the sampled thread time (running or waiting) ends in "
        f"{wait.frame.label} with no Python frame below it: Python code running at that line, or native code "
        f"called from it (a sleep, I/O, a lock, a C extension) running or waiting; {why}."
    )
