"""Run a Python service under tracemalloc; on request write its allocation sites as JSON (runs by path).

    python tracemalloc_launcher.py OUT_DIR FRAMES -m package.module args...   (or: script.py args...)

Standalone on purpose (the standard library only): the service's interpreter need not have perfpilot.
A daemon thread watches OUT_DIR: when `take-<pid>-<n>` appears it writes `snapshot-<pid>-<n>.json`,
the traced memory now and at its peak, the top allocation sites by size, and the change since the
previous snapshot by site. A file, not a signal: a signal waits for the main thread (busy in the
service's own loop), and one sent to a process without the handler would end it. JSON, never pickle:
perfpilot reads it as data."""

from __future__ import annotations

import json
import os
import runpy
import sys
import threading
import time
import tracemalloc
from pathlib import Path
from typing import Any

TOP = 15
POLL_S = 0.1


def _site(stat: Any) -> dict[str, Any]:
    frame = stat.traceback[0]
    return {"file": frame.filename, "line": frame.lineno, "size": stat.size, "count": stat.count}


class Snapshots:
    """Writes one JSON file per signal; keeps the previous snapshot to report the change by site."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.seq = 0
        self.previous: tracemalloc.Snapshot | None = None

    def watch(self) -> None:
        """Write snapshot n when take-<pid>-<n> appears, for n = 1, 2, ..."""
        while True:
            if (self.out / f"take-{os.getpid()}-{self.seq + 1}").exists():
                self.write()
            else:
                time.sleep(POLL_S)

    def write(self) -> None:
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
    threading.Thread(target=Snapshots(out).watch, name="tracemalloc-snapshots", daemon=True).start()
    if rest[:1] == ["-m"]:  # as `python -m`: the working folder first on sys.path
        sys.argv, sys.path[0] = [rest[1], *rest[2:]], os.getcwd()
        runpy.run_module(rest[1], run_name="__main__", alter_sys=True)
    else:  # as `python script.py`: the script's folder first
        sys.argv, sys.path[0] = rest, str(Path(rest[0]).resolve().parent)
        runpy.run_path(rest[0], run_name="__main__")


if __name__ == "__main__":
    main(sys.argv[1:])
