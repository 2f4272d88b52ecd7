"""lock_contention findings from logged lock waits: weighed against the workload, fixed in transactions."""

from __future__ import annotations

from perfpilot.skills.database_optimization.findings.lock_contention import lock_contention_findings
from perfpilot.workload.fingerprint import fingerprint, fingerprint_id
from perfpilot.workload.models import LockWaits, QueryShape, WorkloadDigest

UPDATE = "UPDATE stock_totals SET reserved = reserved + 1 WHERE warehouse_id = 1;"


def _shape(sql: str, count: int, total_s: float) -> QueryShape:
    text = fingerprint(sql.rstrip(";"), "postgres")
    return QueryShape(
        id=fingerprint_id(text), fingerprint=text, example=sql, count=count, total_time_s=total_s,
        mean_time_s=total_s / count, p95_time_s=total_s / count, max_time_s=total_s / count,
    )


def _digest(waits: int, wait_s: float, update_s: float, other_s: float = 1.0) -> WorkloadDigest:
    return WorkloadDigest(
        source="postgresql.log",
        format="postgres_log",
        queries=[_shape(UPDATE, 200, update_s), _shape("SELECT 1 FROM products WHERE id = 3", 500, other_s)],
        total_time_s=update_s + other_s,
        lock_waits=[
            LockWaits(
                subject="stock_totals", relation="stock_totals", locks=["ShareLock on transaction"],
                waits=waits, total_wait_s=wait_s, max_wait_s=0.1, max_queue=7, statement=UPDATE,
                first_line=36,
            )
        ],
    )


def test_a_hot_row_is_one_finding_with_the_waiting_statements_share() -> None:
    [finding] = lock_contention_findings([_digest(waits=280, wait_s=17.4, update_s=63.0)], "postgres")
    assert (finding.kind, finding.subject, finding.layer, finding.impact) == (
        "lock_contention", "stock_totals", "database", 0.9844
    )
    values = finding.evidence[0].values
    assert (values["lock_waits"], values["lock_wait_s_floor"], values["max_wait_queue"]) == (280, 17.4, 7)
    assert finding.evidence[0].line == 36
    assert finding.remediation is not None
    assert (finding.remediation.kind, finding.remediation.auto_applicable) == ("patch", False)
    assert "stock_totals just before COMMIT" in finding.remediation.content
    assert "a floor" in finding.root_cause


def test_a_few_waits_are_normal_concurrency() -> None:
    assert lock_contention_findings([_digest(waits=4, wait_s=3.0, update_s=63.0)], "postgres") == []


def test_waits_that_weigh_little_in_the_workload_are_no_finding() -> None:
    light = _digest(waits=50, wait_s=2.5, update_s=2.6, other_s=100.0)
    assert lock_contention_findings([light], "postgres") == []


def test_without_timing_the_logged_floor_alone_is_not_weighed() -> None:
    untimed = _digest(waits=50, wait_s=5.0, update_s=0.0, other_s=0.0).model_copy(update={"queries": []})
    assert lock_contention_findings([untimed], "postgres") == []
