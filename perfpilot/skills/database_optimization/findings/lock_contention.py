"""Lock contention from the server's lock-wait log: statements queueing on rows or tables others hold.

The evidence is what PostgreSQL itself logged with `log_lock_waits` (workload/formats/lock_waits.py): how
many waits on which relation, how long, how deep the queue. Such waits cost no CPU and no I/O, so no index
or plan change removes them; the fix is in the transactions that hold the lock (take the contended rows
last, keep the transaction short, spread a hot counter row) — an application change, not a DDL one.

Impact: the share of the workload's statement time taken by the statement shape that waited, at least
the logged waits themselves (a floor: waits shorter than deadlock_timeout are never logged). A handful
of waits is normal concurrency; a finding needs MIN_WAITS waits and MIN_SHARE of the workload's time.
"""

from __future__ import annotations

from collections.abc import Sequence

from perfpilot.artifacts import EvidenceRef, Finding, Remediation
from perfpilot.artifacts.priority import priority_from_impact
from perfpilot.skills.database_optimization.findings.format import db_finding, excerpt, safe_label
from perfpilot.workload.fingerprint import fingerprint
from perfpilot.workload.models import LockWaits, QueryShape, WorkloadDigest

MIN_WAITS = 5
MIN_SHARE = 0.05


def _waiting_shape(
    digests: Sequence[WorkloadDigest], statement: str | None, dialect: str
) -> tuple[QueryShape, WorkloadDigest] | None:
    """The waiting statement's shape, in the workload where it takes the largest share of the time."""
    if not statement:
        return None
    wanted = fingerprint(statement.rstrip().rstrip(";"), dialect)
    found = [(q, d) for d in digests for q in d.queries if q.fingerprint == wanted and d.total_time_s > 0]
    return max(found, key=lambda pair: pair[0].total_time_s / pair[1].total_time_s, default=None)


def _remediation(subject: str) -> Remediation:
    return Remediation(
        kind="patch",
        title=safe_label(f"Hold locks on {subject} for less time", 120),
        content=(
            f"Transactions queue on rows of {subject}. In the transactions that write it: take its rows "
            "last (run the other statements and the application's own work first, then update "
            f"{subject} just before COMMIT), keep those transactions short, and never wait on the "
            "network or a user while holding its rows. Where one row is a counter or total that every "
            "request updates, spread it (one row per worker or shard, summed when read) or append "
            "changes to a table and aggregate them. For a work queue, claim rows with "
            "SELECT ... FOR UPDATE SKIP LOCKED."
        ),
        rollback="Revert the application change; no schema or data change is involved.",
        effort_days=1.0,
        risk="medium",
        auto_applicable=False,
    )


def _finding(
    waits: LockWaits, digest: WorkloadDigest, timed: tuple[QueryShape, WorkloadDigest] | None, impact: float
) -> Finding:
    subject = safe_label(waits.relation or waits.subject, 120)
    shape, timing = timed if timed is not None else (None, digest)
    shape_time = shape.total_time_s if shape is not None else 0.0
    why = (
        f"The server logged {waits.waits} lock waits on {subject} ({', '.join(waits.locks)}), "
        f"{waits.total_wait_s:.3f} s in all and up to {waits.max_wait_s * 1000:.0f} ms each, with up to "
        f"{waits.max_queue} sessions in one wait queue"
        + (f" and {waits.deadlocks} deadlock(s)" if waits.deadlocks else "")
        + ". Only waits longer than deadlock_timeout are logged, so that total is a floor"
        + (
            f"; the waiting statement takes {shape_time:.3f} s of the workload's "
            f"{timing.total_time_s:.3f} s in {timing.source} ({shape.count} calls, "
            f"{shape.mean_time_s * 1000:.1f} ms mean)"
            if shape is not None
            else ""
        )
        + ". Lock waits use no CPU or I/O: no index or plan change removes them; the transactions "
        "holding the lock do."
    )
    return db_finding(
        "lock_contention",
        subject,
        title=safe_label(f"Lock contention on {subject}: {waits.waits} logged waits, "
                         f"{waits.total_wait_s:.1f} s", 120),
        root_cause=why,
        impact=round(impact, 4),
        priority=priority_from_impact(impact),
        remediation=_remediation(subject),
        evidence=[
            EvidenceRef(
                source=digest.source,
                line=waits.first_line,
                excerpt=excerpt(waits.statement or waits.subject),
                values={
                    "lock_waits": waits.waits,
                    "lock_wait_s_floor": waits.total_wait_s,
                    "max_wait_ms": round(waits.max_wait_s * 1000, 3),
                    "max_wait_queue": waits.max_queue,
                    "deadlocks": waits.deadlocks,
                    "waiting_statement_time_s": round(shape_time, 6),
                    "workload_time_s": round(timing.total_time_s, 6),
                    "workload_share": round(impact, 4),
                },
            )
        ],
    )


def lock_contention_findings(workloads: Sequence[WorkloadDigest], dialect: str) -> list[Finding]:
    """One lock_contention finding per relation whose logged waits are many and weigh in the workload."""
    findings: list[Finding] = []
    for digest in workloads:
        for waits in digest.lock_waits:
            if waits.waits < MIN_WAITS:
                continue
            timed = _waiting_shape(workloads, waits.statement, dialect)
            total = digest.total_time_s or (timed[1].total_time_s if timed is not None else 0.0)
            if total <= 0:
                continue  # nothing times the workload: the waits cannot be weighed against it
            shape_share = timed[0].total_time_s / timed[1].total_time_s if timed is not None else 0.0
            impact = min(1.0, max(waits.total_wait_s / total, shape_share))
            if impact >= MIN_SHARE:
                findings.append(_finding(waits, digest, timed, impact))
    return findings
