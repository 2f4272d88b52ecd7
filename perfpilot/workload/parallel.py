"""Parallel digest of a large MySQL slow log: byte ranges cut at entry starts, one process per range."""

from __future__ import annotations

import codecs
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from itertools import pairwise
from multiprocessing import get_context
from pathlib import Path
from typing import BinaryIO

from perfpilot.workload.aggregate import ShapeTotals, aggregate_rows
from perfpilot.workload.events import ParseStats
from perfpilot.workload.formats.mysql_slow import iter_slow_log_rows

MIN_SPLIT_BYTES = 64 << 20
MAX_WORKERS = 4
_ADMIN = b"# administrator command:"
_READ = 4 << 20


def _worker_count(workers: int | None) -> int:
    """Explicit `workers`, else one per idle CPU (CPUs less the 1-minute load average), at most 4.

    On a busy machine extra processes only compete for the same cores (and cost more CPU in total),
    so the automatic choice falls back to one process there.
    """
    if workers is not None:
        return max(1, workers)
    cpus = os.cpu_count() or 1
    try:
        idle = cpus - round(os.getloadavg()[0])
    except OSError:
        idle = cpus
    return max(1, min(MAX_WORKERS, idle))


def worth_splitting(path: Path, workers: int | None) -> bool:
    """True for a file large enough to split, with more than one worker, where fork is available."""
    return (
        _worker_count(workers) > 1
        and sys.platform == "linux"
        and path.stat().st_size >= MIN_SPLIT_BYTES
    )


def _entry_start_after(handle: BinaryIO, offset: int) -> int | None:
    """The first offset >= `offset` where a header block starts (a '#' line after a non-'#' line)."""
    handle.seek(max(0, offset - 1))
    window = handle.read(1 << 20)
    base = max(0, offset - 1)
    at = 0
    while True:
        at = window.find(b"\n#", at)
        if at < 0:
            return None
        line_start = at + 1
        previous = window.rfind(b"\n", 0, at) + 1
        starts_header = window[previous : previous + 1] != b"#" or window.startswith(_ADMIN, previous)
        if previous > 0 and starts_header and not window.startswith(_ADMIN, line_start):
            return base + line_start
        at = line_start


def _ranges(path: Path, parts: int) -> list[tuple[int, int]]:
    size = path.stat().st_size
    cuts = [0]
    with path.open("rb") as handle:
        for k in range(1, parts):
            cut = _entry_start_after(handle, size * k // parts)
            if cut is not None and cut > cuts[-1]:
                cuts.append(cut)
    cuts.append(size)
    return list(pairwise(cuts))


class _RangeReader:
    """Text of one byte range of a file, decoded incrementally (read(n) like a text stream)."""

    def __init__(self, path: Path, start: int, end: int) -> None:
        self._handle = path.open("rb")
        self._handle.seek(start)
        self._left = end - start
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")

    def read(self, size: int) -> str:
        if self._left <= 0:
            tail: str = self._decoder.decode(b"", final=True)
            self._handle.close()
            return tail
        data = self._handle.read(min(size, self._left))
        self._left -= len(data)
        if not data:
            self._left = 0
        return self._decoder.decode(data, final=self._left <= 0) or self.read(size)


def _lines_before(path: Path, offset: int) -> int:
    count = 0
    with path.open("rb") as handle:
        while offset > 0:
            block = handle.read(min(_READ, offset))
            if not block:
                break
            count += block.count(b"\n")
            offset -= len(block)
    return count


def _digest_range(
    path: Path, start: int, end: int, dialect: str | None
) -> tuple[dict[str, ShapeTotals], int]:
    stats = ParseStats(str(path))
    reader = _RangeReader(path, start, end)
    first_line = _lines_before(path, start) + 1
    rows = iter_slow_log_rows(reader, stats, first_line)
    return aggregate_rows(rows, dialect), stats.unparsed_lines


def digest_slow_log_in_parallel(
    path: Path, dialect: str | None, workers: int | None
) -> tuple[dict[str, ShapeTotals], int]:
    """Shapes and unparsed-line count of a slow log, computed by one process per byte range."""
    count = _worker_count(workers)
    ranges = _ranges(path, count)
    with ProcessPoolExecutor(max_workers=len(ranges), mp_context=get_context("fork")) as pool:
        jobs = [pool.submit(_digest_range, path, start, end, dialect) for start, end in ranges]
        results = [job.result() for job in jobs]
    merged: dict[str, ShapeTotals] = {}
    unparsed = 0
    for shapes, skipped in results:
        unparsed += skipped
        for text, totals in shapes.items():
            if text in merged:
                merged[text].merge(totals)
            else:
                merged[text] = totals
    return merged, unparsed
