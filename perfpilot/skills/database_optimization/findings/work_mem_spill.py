"""Statements spilling past work_mem, from the temporary files the server logged (`log_temp_files`).

A sort, hash or materialisation that does not fit in work_mem (hashes: x hash_mem_multiplier) writes its
data to temporary files and reads it back; the planner also shuns hash plans it expects not to fit, and
walks an index or sorts instead. The evidence is what PostgreSQL logged (workload/formats/temp_files.py):
files and bytes per statement shape. The fix is memory for that statement (work_mem for its role or
transaction), a configuration change; no index removes a spill of a statement that reads most of a table.

Impact: the spilling statement's share of the workload's statement time (the spill is part of it, not
timed on its own: an upper bound of what the change saves). A finding needs MIN_SHARE of the workload's
time; files smaller than the server's log_temp_files threshold are never logged, so the bytes are a floor.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from perfpilot.artifacts import EvidenceRef, Finding, Remediation
from perfpilot.artifacts.priority import priority_from_impact
from perfpilot.skills.database_optimization.findings.format import db_finding, excerpt, safe_label
from perfpilot.workload.models import QueryShape, TempFiles, WorkloadDigest

MIN_SHARE = 0.05
MEMORY_PER_DISK_BYTE = 4
"""A sort or hash held in memory takes more than it writes to disk (per-tuple headers, hash buckets):
the work_mem suggested is this many times the largest logged file, rounded up to a power of two MB."""
MiB = 1024 * 1024


def suggested_work_mem_mb(max_file_bytes: int) -> int:
    """A starting point: MEMORY_PER_DISK_BYTE x the largest temporary file, to a power of two MB (>= 8)."""
    wanted = max(1.0, MEMORY_PER_DISK_BYTE * max_file_bytes / MiB)
    return max(8, 1 << math.ceil(math.log2(wanted)))


def _spilling_shape(
    digests: Sequence[WorkloadDigest], fingerprint: str | None
) -> tuple[QueryShape, WorkloadDigest] | None:
    """The spilling statement's shape, in the workload where it takes the largest share of the time."""
    found = [
        (q, d) for d in digests for q in d.queries if q.fingerprint == fingerprint and d.total_time_s > 0
    ]
    return max(found, key=lambda pair: pair[0].total_time_s / pair[1].total_time_s, default=None)


def _remediation(shape: QueryShape, work_mem_mb: int) -> Remediation:
    on = f" (on {', '.join(shape.tables)})" if shape.tables else ""
    return Remediation(
        kind="config",
        title=safe_label(f"Raise work_mem to {work_mem_mb}MB for the statement of shape {shape.id}", 120),
        content=(
            f"-- Give the statement of shape {shape.id}{on} the memory its sorts and hashes need, for the\n"
            "-- role or the transaction that runs it, not server-wide (work_mem is per sort or hash node\n"
            "-- of each session; hashes may use hash_mem_multiplier times it):\n"
            f"ALTER ROLE <role that runs it> SET work_mem = '{work_mem_mb}MB';\n"
            f"-- or inside its transaction: SET LOCAL work_mem = '{work_mem_mb}MB';\n"
            f"-- {work_mem_mb}MB is a starting point ({MEMORY_PER_DISK_BYTE}x the largest temporary file, "
            "to a power of two MB):\n"
            "-- check with EXPLAIN (ANALYZE) that its sorts say 'quicksort' and its hashes 'Batches: 1',\n"
            "-- and that the server log shows no more temporary files for it."
        ),
        rollback="ALTER ROLE <role that runs it> RESET work_mem; (or remove the SET LOCAL)",
        effort_days=0.1,
        risk="medium",
        auto_applicable=False,
    )


def _finding(temp: TempFiles, digest: WorkloadDigest, shape: QueryShape, timing: WorkloadDigest) -> Finding:
    impact = min(1.0, shape.total_time_s / timing.total_time_s)
    subject = safe_label(f"{', '.join(shape.tables) or 'statement'} in shape {shape.id}", 120)
    work_mem_mb = suggested_work_mem_mb(temp.max_bytes)
    why = (
        f"The server logged {temp.files} temporary file(s) for this statement, "
        f"{temp.total_bytes / MiB:,.1f} MB in all and up to {temp.max_bytes / MiB:,.1f} MB each: its sorts "
        "or hashes did not fit in work_mem "
        "and went to disk (only files past log_temp_files are logged, so that total is a floor). The "
        f"statement takes {shape.total_time_s:.3f} s of the workload's {timing.total_time_s:.3f} s in "
        f"{timing.source} ({shape.count} calls, {shape.mean_time_s * 1000:.1f} ms mean); the spill is part "
        "of that time, not timed on its own. With too little work_mem the planner also avoids hash plans "
        "it expects not to fit. The fix is memory for this statement, not an index."
    )
    return db_finding(
        "work_mem_spill",
        subject,
        title=safe_label(f"Statement spills past work_mem: {temp.files} temporary files, "
                         f"{temp.total_bytes / MiB:,.1f} MB, in shape {shape.id}", 120),
        root_cause=why,
        impact=round(impact, 4),
        priority=priority_from_impact(impact),
        remediation=_remediation(shape, work_mem_mb),
        evidence=[
            EvidenceRef(
                source=digest.source,
                line=temp.first_line,
                excerpt=excerpt(temp.statement or shape.example),
                values={
                    "temp_files": temp.files,
                    "temp_bytes_floor": temp.total_bytes,
                    "max_temp_file_bytes": temp.max_bytes,
                    "suggested_work_mem_mb": work_mem_mb,
                    "statement_calls": shape.count,
                    "statement_time_s": round(shape.total_time_s, 6),
                    "workload_time_s": round(timing.total_time_s, 6),
                    "workload_share": round(impact, 4),
                },
            )
        ],
    )


def work_mem_spill_findings(workloads: Sequence[WorkloadDigest]) -> list[Finding]:
    """One work_mem_spill finding per statement shape whose logged temporary files weigh in the workload."""
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
