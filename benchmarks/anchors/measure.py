"""Run one selection algorithm on a fresh HypoPG evaluator, timing wall, client CPU and backend CPU."""

from __future__ import annotations

import os
import statistics
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from benchmarks.anchors.contenders import Select
from benchmarks.anchors.surface import HypoPgWhatIf, IndexCandidate, QueryUse, open_postgres_readonly

# perfpilot's advise() plans on two PostgreSQL sessions at once; every contender gets the same evaluator.
SESSIONS = 2


def process_cpu_s(pid: int) -> float:
    """User + system CPU seconds of a local process (/proc/<pid>/stat fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed_selection(
    select: Select, dsn: str, uses: list[QueryUse], catalog: Any, budget_bytes: float, min_benefit: float
) -> tuple[list[IndexCandidate], dict[str, float]]:
    """(chosen indexes, {wall_s, client_cpu_s, backend_cpu_s, cpu_s, whatif_calls}) of one run.

    CPU is this process's process time plus the CPU of the PostgreSQL backends serving the evaluator,
    read from /proc: unlike wall time, it does not grow when other work shares the host.
    """
    with ExitStack() as stack:
        conns = [stack.enter_context(open_postgres_readonly(dsn)) for _ in range(SESSIONS)]
        pids = [int(c.execute("SELECT pg_backend_pid()").fetchone()[0]) for c in conns]
        whatif = HypoPgWhatIf(conns[0], catalog, extra_conns=conns[1:])
        backend0 = sum(process_cpu_s(p) for p in pids)
        client0, wall0 = time.process_time(), time.perf_counter()
        chosen = select(uses, catalog, whatif, budget_bytes, min_benefit)
        wall = time.perf_counter() - wall0
        client = time.process_time() - client0
        backend = sum(process_cpu_s(p) for p in pids) - backend0
        calls = whatif.calls
        whatif.close()
    return chosen, {
        "wall_s": wall,
        "client_cpu_s": client,
        "backend_cpu_s": backend,
        "cpu_s": client + backend,
        "whatif_calls": float(calls),
    }


def summarise(values: list[float]) -> dict[str, float]:
    """Median, minimum and maximum of repeated measurements."""
    return {
        "median": round(statistics.median(values), 3),
        "min": round(min(values), 3),
        "max": round(max(values), 3),
    }
