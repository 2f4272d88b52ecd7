"""Statements spilling past work_mem, from their temporary files (server log or pg_stat_statements).

A sort, hash or materialisation that does not fit in work_mem (hashes: x hash_mem_multiplier) writes its
data to temporary files and reads it back; the planner also shuns hash plans it expects not to fit, and
walks an index or sorts instead. The evidence is what PostgreSQL logged (`log_temp_files`,
workload/formats/temp_files.py: files and bytes per statement shape) or what pg_stat_statements counted
(temp_blks_written over the statement's calls). Index builds and maintenance commands use
maintenance_work_mem instead. The fix is memory for that statement (work_mem for its role or
transaction), a configuration change; no index removes a spill of a statement that reads most of a table.

Impact: the spilling statement's share of the workload's statement time (the spill is part of it, not
timed on its own: an upper bound of what the change saves). A finding needs MIN_SHARE of the workload's
time; files smaller than the server's log_temp_files threshold are never logged, so logged bytes are a floor.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from perfpilot.artifacts import EvidenceRef, Finding, Remediation
from perfpilot.artifacts.priority import priority_from_impact
from perfpilot.skills.database_optimization.findings.format import db_finding, excerpt, safe_label
from perfpilot.workload.formats.pg_stat_statements import BLOCK_BYTES
from perfpilot.workload.models import QueryShape, TempFiles, WorkloadDigest

MIN_SHARE = 0.05
MEMORY_PER_DISK_BYTE = 4
"""A sort or hash held in memory takes more than it writes to disk (per-tuple headers, hash buckets):
the memory suggested is this many times what one spill wrote, rounded up to a power of two MB."""
MiB = 1024 * 1024
MAINTENANCE = ("create index", "create unique index", "reindex", "cluster", "vacuum", "alter table")
"""Statements whose sorts use maintenance_work_mem, not work_mem."""


def suggested_work_mem_mb(spill_bytes: int) -> int:
    """A starting point: MEMORY_PER_DISK_BYTE x what one spill wrote, to a power of two MB (>= 8)."""
    wanted = max(1.0, MEMORY_PER_DISK_BYTE * spill_bytes / MiB)
    return max(8, 1 << math.ceil(math.log2(wanted)))


def _spilling_shape(
    digests: Sequence[WorkloadDigest], fingerprint: str | None
) -> tuple[QueryShape, WorkloadDigest] | None:
    """The spilling statement's shape, in the workload where it takes the largest share of the time."""
    found = [
        (q, d) for d in digests for q in d.queries if q.fingerprint == fingerprint and d.total_time_s > 0
    ]
    return max(found, key=lambda pair: pair[0].total_time_s / pair[1].total_time_s, default=None)


def _setting(temp: TempFiles) -> str:
    """maintenance_work_mem for index builds and maintenance commands, work_mem for queries."""
    text = (temp.fingerprint or "").lstrip("( ")
    return "maintenance_work_mem" if text.startswith(MAINTENANCE) else "work_mem"


def _remediation(shape: QueryShape, setting: str, mb: int) -> Remediation:
    on = f" (on {', '.join(shape.tables)})" if shape.tables else ""
    return Remediation(
        kind="config",
        title=safe_label(f"Raise {setting} to {mb}MB for the statement of shape {shape.id}", 120),
        content=(
            f"-- Give the statement of shape {shape.id}{on} the memory its sorts and hashes need, for the\n"
            f"-- role or the transaction that runs it, not server-wide ({setting} is per sort or hash node\n"
            "-- of each session; hashes may use hash_mem_multiplier times work_mem):\n"
            f"ALTER ROLE <role that runs it> SET {setting} = '{mb}MB';\n"
            f"-- or inside its transaction: SET LOCAL {setting} = '{mb}MB';\n"
            f"-- {mb}MB is a starting point ({MEMORY_PER_DISK_BYTE}x what one execution wrote, to a power\n"
            "-- of two MB): check with EXPLAIN (ANALYZE) that its sorts say 'quicksort' and its hashes\n"
            "-- 'Batches: 1', and that it writes no more temporary files. If it already runs with\n"
            f"-- {mb}MB or more, it spilled at that setting: double what it has instead."
        ),
        rollback=f"ALTER ROLE <role that runs it> RESET {setting}; (or remove the SET LOCAL)",
        effort_days=0.1,
        risk="medium",
        auto_applicable=False,
    )


def _spilled(temp: TempFiles) -> tuple[str, dict[str, float]]:
    """What the evidence says was written, in words and figures."""
    total, each = temp.total_bytes / MiB, temp.spill_bytes / MiB
    if temp.files is not None:
        return (
            f"The server logged {temp.files} temporary file(s) for this statement, {total:,.1f} MB in all "
            f"and up to {each:,.1f} MB in one execution (only files past log_temp_files are logged: a floor)",
            {"temp_files": temp.files, "temp_bytes_floor": temp.total_bytes,
             "max_execution_temp_bytes": temp.spill_bytes},
        )
    return (
        f"pg_stat_statements counted {temp.total_bytes // BLOCK_BYTES:,} temporary blocks written by this "
        f"statement over {temp.calls} calls, {total:,.1f} MB in all ({each:,.1f} MB per call; 8 kB blocks)",
        {"temp_bytes_written": temp.total_bytes, "temp_bytes_per_call": temp.spill_bytes,
         "temp_calls": temp.calls or 0},
    )


def _finding(temp: TempFiles, digest: WorkloadDigest, shape: QueryShape, timing: WorkloadDigest) -> Finding:
    impact = min(1.0, shape.total_time_s / timing.total_time_s)
    subject = safe_label(f"{', '.join(shape.tables) or 'statement'} in shape {shape.id}", 120)
    setting, mb = _setting(temp), suggested_work_mem_mb(temp.spill_bytes)
    written, figures = _spilled(temp)
    why = (
        f"{written}: its sorts or hashes did not fit in {setting} and went to disk. The statement takes "
        f"{shape.total_time_s:.3f} s of the workload's {timing.total_time_s:.3f} s in {timing.source} "
        f"({shape.count} calls, {shape.mean_time_s * 1000:.1f} ms mean); the spill is part of that time, "
        f"not timed on its own. With too little {setting} the planner also avoids hash plans it expects "
        "not to fit. The fix is memory for this statement, not an index."
    )
    return db_finding(
        "work_mem_spill",
        subject,
        title=safe_label(f"Statement spills past {setting}: {temp.total_bytes / MiB:,.1f} MB of temporary "
                         f"files, in shape {shape.id}", 120),
        root_cause=why,
        impact=round(impact, 4),
        priority=priority_from_impact(impact),
        remediation=_remediation(shape, setting, mb),
        evidence=[
            EvidenceRef(
                source=digest.source,
                line=temp.first_line,
                excerpt=excerpt(temp.statement or shape.example),
                values={
                    **figures,
                    "suggested_mb": mb,
                    "statement_calls": shape.count,
                    "statement_time_s": round(shape.total_time_s, 6),
                    "workload_time_s": round(timing.total_time_s, 6),
                    "workload_share": round(impact, 4),
                },
            )
        ],
    )


def work_mem_spill_findings(workloads: Sequence[WorkloadDigest]) -> list[Finding]:
    """One work_mem_spill finding per statement shape whose temporary files weigh in the workload."""
    findings: list[Finding] = []
    for digest in workloads:
        for temp in digest.temp_files:
            timed = _spilling_shape(workloads, temp.fingerprint) if temp.fingerprint else None
            if timed is None:
                continue  # no statement, or nothing times it: the spill cannot be weighed
            shape, timing = timed
            if shape.total_time_s / timing.total_time_s >= MIN_SHARE:
                findings.append(_finding(temp, digest, shape, timing))
    return findings
