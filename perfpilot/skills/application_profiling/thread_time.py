"""On CPU vs waiting, from py-spy's running-threads recording and its --idle recording of the same window.

Samples of threads idle for want of work (a pool worker on its queue, the event loop in select) are set
aside: they are capacity, not request time. Of the rest (the working samples), the share the default
recording saw running is on CPU; the remainder waited (I/O, locks, sleeps). Samples with a database
driver frame on the stack are counted too: time inside the driver, running or waiting."""

from __future__ import annotations

import re
from collections.abc import Callable

from perfpilot.artifacts.profiles import ThreadTimeSplit
from perfpilot.evidence.profile_models import Profile, ProfileFrame
from perfpilot.skills.application_profiling.patterns import PATTERNS, WAITING_FOR_WORK

_SELECT = re.compile(r"^(\w+Selector\.)?select @ .*selectors\.py")
_DRIVER = next(p.marks for p in PATTERNS if p.kind == "queries_in_hot_path")


def idle_for_work(frame: ProfileFrame) -> bool:
    """A frame of a thread waiting for work: a pool worker on its queue, a server or event loop in select."""
    return WAITING_FOR_WORK(frame) or bool(_SELECT.search(f"{frame.function} @ {frame.file}"))


def _samples(profile: Profile, marked: Callable[[ProfileFrame], bool]) -> float:
    return sum(s.value for s in profile.stacks if any(marked(profile.frames[i]) for i in s.frames))


def thread_time_split(running: Profile, everything: Profile) -> ThreadTimeSplit:
    """The split, in shares of the working samples (None when there were none)."""
    idle_all, idle_running = _samples(everything, idle_for_work), _samples(running, idle_for_work)
    working = everything.total - idle_all
    on_cpu = min(1.0, (running.total - idle_running) / working) if working > 0 else None
    driver = _samples(everything, _DRIVER)
    return ThreadTimeSplit(
        all_samples=everything.total,
        running_samples=running.total,
        waiting_for_work_samples=idle_all,
        on_cpu_share=round(on_cpu, 4) if on_cpu is not None else None,
        waiting_share=round(1 - on_cpu, 4) if on_cpu is not None else None,
        db_driver_share=round(min(1.0, driver / working), 4) if working > 0 else None,
    )
