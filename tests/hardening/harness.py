"""The fuzz harness: every case runs under a hang guard, and its wall time is recorded (not asserted) so the
session ends with the figures: cases run, slowest case, the test process's peak RSS."""

from __future__ import annotations

import faulthandler
import resource
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TypeVar

HANG_GUARD_S = 120
"""A case still running after this long is a hang: the process dumps every thread's stack and exits.
Generous on purpose (a loaded 2-core CI machine); the figures show the real times."""

T = TypeVar("T")


@dataclass
class FuzzFigures:
    """Cases run per label and the slowest of each."""

    cases: dict[str, int] = field(default_factory=dict)
    slowest: dict[str, float] = field(default_factory=dict)

    peak_rss: dict[str, int] = field(default_factory=dict)

    def add_process(self, label: str, seconds: float, peak_rss_bytes: int) -> None:
        """One subprocess case: its time and its own peak RSS."""
        self.add(label, seconds)
        self.peak_rss[label] = max(self.peak_rss.get(label, 0), peak_rss_bytes)

    def add(self, label: str, seconds: float) -> None:
        self.cases[label] = self.cases.get(label, 0) + 1
        self.slowest[label] = max(self.slowest.get(label, 0.0), seconds)

    def lines(self) -> list[str]:
        if not self.cases:
            return []
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        worst = max(self.slowest, key=self.slowest.__getitem__)
        rows = [
            f"fuzz: {sum(self.cases.values())} cases over {len(self.cases)} inputs; slowest case "
            f"{self.slowest[worst]:.2f} s ({worst}); test process peak RSS {peak_mib:.0f} MiB"
        ]
        if self.peak_rss:
            biggest = max(self.peak_rss, key=self.peak_rss.__getitem__)
            rows.append(
                f"subprocesses: {sum(self.cases[k] for k in self.peak_rss)} runs; largest peak RSS "
                f"{self.peak_rss[biggest] / 2**20:.0f} MiB ({biggest})"
            )
        rows += [
            f"  {label:<34} {self.cases[label]:>6} cases, slowest {self.slowest[label]:6.2f} s"
            + (f", peak RSS {self.peak_rss[label] / 2**20:.0f} MiB" if label in self.peak_rss else "")
            for label in sorted(self.cases)
        ]
        return rows


FIGURES = FuzzFigures()


@contextmanager
def guarded_case(label: str) -> Iterator[None]:
    """One fuzz case: a hang ends the test run with every stack printed; its time goes to FIGURES."""
    faulthandler.dump_traceback_later(HANG_GUARD_S, exit=True, file=sys.__stderr__)
    started = time.perf_counter()
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()
        FIGURES.add(label, time.perf_counter() - started)


def run_case(label: str, case: Callable[[], T]) -> T:
    """case() under guarded_case(label)."""
    with guarded_case(label):
        return case()
