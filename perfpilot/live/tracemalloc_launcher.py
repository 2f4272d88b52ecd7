"""Run a Python service under tracemalloc; on SIGUSR2 write its allocation sites as JSON (runs by path).

    python tracemalloc_launcher.py OUT_DIR FRAMES -m package.module args...   (or: script.py args...)

Standalone on purpose (the standard library only): the service's interpreter need not have perfpilot.
Each SIGUSR2 writes OUT_DIR/snapshot-<pid>-<n>.json: the traced memory now and at its peak, the top allocation
sites by size, and the change since the previous snapshot by site. JSON, never pickle: perfpilot reads
it as data."""

from __future__ import annotations

import json
import os
import runpy
import signal
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

TOP = 15


def _site(stat: Any) -> dict[str, Any]:
    frame = stat.traceback[0]
    return {"file": frame.filename, "line": frame.lineno, "size": stat.size, "count": stat.count}


class Snapshots:
    """Writes one JSON file per signal; keeps the previous snapshot to report the change by site."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.seq = 0
        self.previous: tracemalloc.Snapshot | None = None

    def write(self, *_: object) -> None:
        snapshot = tracemalloc.take_snapshot().filter_traces(
            (tracemalloc.Filter(False, tracemalloc.__file__), tracemalloc.Filter(False, __file__))
        )
        current, peak = tracemalloc.get_traced_memory()
        growth = []
        if self.previous is not None:
            diffs = sorted(snapshot.compare_to(self.previous, "lineno"), key=lambda d: -d.size_diff)[:TOP]
            growth = [_site(d) | {"size_diff": d.size_diff, "count_diff": d.count_diff} for d in diffs]
        self.previous = snapshot
        self.seq += 1
        data = {
            "seq": self.seq,
            "monotonic_s": time.monotonic(),
            "traced_bytes": current,
            "peak_bytes": peak,
            "top": [_site(s) for s in snapshot.statistics("lineno")[:TOP]],
            "growth": growth,
        }
        name = f"snapshot-{os.getpid()}-{self.seq}.json"  # a restarted service starts its own series
        partial = self.out / f".{name}"
        partial.write_text(json.dumps(data), encoding="utf-8")
        os.replace(partial, self.out / name)  # whole files only


def main(argv: list[str]) -> None:
    out, frames, rest = Path(argv[0]), int(argv[1]), argv[2:]
    out.mkdir(parents=True, exist_ok=True)
    tracemalloc.start(frames)
    signal.signal(signal.SIGUSR2, Snapshots(out).write)
    if rest[:1] == ["-m"]:  # as `python -m`: the working folder first on sys.path
        sys.argv, sys.path[0] = [rest[1], *rest[2:]], os.getcwd()
        runpy.run_module(rest[1], run_name="__main__", alter_sys=True)
    else:  # as `python script.py`: the script's folder first
        sys.argv, sys.path[0] = rest, str(Path(rest[0]).resolve().parent)
        runpy.run_path(rest[0], run_name="__main__")


if __name__ == "__main__":
    main(sys.argv[1:])
