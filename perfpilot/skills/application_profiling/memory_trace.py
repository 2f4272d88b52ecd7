"""Allocation sites and heap growth over the profiled window, from the tracemalloc launcher's snapshots.

The profiler asks the service for a snapshot (a `take-<pid>-<n>` file the launcher watches for) when the
load test starts and when it ends; the growth is the traced memory's change between them, per minute
and per request, and the sites are the launcher's own comparison of the two (by line). Snapshot files
are JSON, read as data and bounded."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from perfpilot.artifacts.profiles import AllocationSite, MemoryTrace

WAIT_S = 30.0
MAX_BYTES = 1 << 20
SHOWN = 5


class SnapshotTaker:
    """Asks process `pid` for snapshots written into `folder`."""

    def __init__(self, pid: int, folder: Path) -> None:
        self.pid = pid
        self.folder = folder

    def take(self, wait_s: float = WAIT_S) -> tuple[dict[str, Any] | None, str]:
        """The next snapshot, or None and why."""
        taken = len(list(self.folder.glob(f"snapshot-{self.pid}-*.json")))
        wanted = self.folder / f"snapshot-{self.pid}-{taken + 1}.json"
        try:
            (self.folder / f"take-{self.pid}-{taken + 1}").touch()
        except OSError as exc:
            return None, f"could not ask for a snapshot in {self.folder}: {exc.strerror}"
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            if wanted.is_file():
                if wanted.stat().st_size > MAX_BYTES:
                    return None, f"{wanted.name} is larger than {MAX_BYTES} bytes"
                try:
                    return json.loads(wanted.read_text(encoding="utf-8")), ""
                except (OSError, ValueError) as exc:
                    return None, f"{wanted.name} could not be read: {exc}"
            time.sleep(0.1)
        return None, f"the service wrote no snapshot within {wait_s:g} s of being asked"


def _sites(rows: list[dict[str, Any]], growth: bool) -> list[AllocationSite]:
    chosen = [r for r in rows if not growth or r.get("size_diff", 0) > 0][:SHOWN]
    return [
        AllocationSite(
            file=str(r["file"]),
            line=int(r["line"]),
            size_bytes=float(r["size"]),
            count=float(r["count"]),
            size_diff_bytes=float(r["size_diff"]) if growth else None,
            count_diff=float(r["count_diff"]) if growth else None,
        )
        for r in chosen
    ]


def memory_trace(
    first: dict[str, Any] | None, last: dict[str, Any] | None, reason: str, requests: float | None
) -> MemoryTrace:
    """The trace over the window between two snapshots (no_snapshot with the reason when one is missing)."""
    if first is None or last is None:
        return MemoryTrace(status="no_snapshot", reason=reason or "no snapshot")
    try:
        window = float(last["monotonic_s"]) - float(first["monotonic_s"])
        start, end = float(first["traced_bytes"]), float(last["traced_bytes"])
        growth = end - start
        return MemoryTrace(
            status="traced",
            window_s=round(window, 3),
            traced_start_bytes=start,
            traced_end_bytes=end,
            peak_bytes=float(last["peak_bytes"]),
            growth_bytes_per_min=round(growth / window * 60, 1) if window > 0 else None,
            growth_bytes_per_request=round(growth / requests, 1) if requests else None,
            top_growth=_sites(list(last.get("growth", [])), growth=True),
            top_size=_sites(list(last.get("top", [])), growth=False),
        )
    except (KeyError, TypeError, ValueError) as exc:
        reason = f"a snapshot lacks a field or holds a bad value: {exc}"
        return MemoryTrace(status="no_snapshot", reason=reason)
