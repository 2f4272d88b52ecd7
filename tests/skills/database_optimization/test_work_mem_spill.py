"""work_mem_spill findings from logged temporary files: weighed against the workload, fixed by memory."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfpilot.skills.database_optimization.findings.work_mem_spill import (
    suggested_work_mem_mb,
    work_mem_spill_findings,
)
from perfpilot.workload.digest import digest_file
from perfpilot.workload.fingerprint import fingerprint, fingerprint_id
from perfpilot.workload.models import QueryShape, TempFiles, WorkloadDigest

RECORDED = Path(__file__).parents[3] / "perfpilot/evals/incidents/db-customer-spend-report-work-mem-pgbench"
REPORT = (
    "SELECT customer_id, count(*) AS orders, sum(amount_cents) AS spent FROM orders "
    "WHERE created_at >= date '2026-01-01' + 22 GROUP BY customer_id ORDER BY spent DESC"
)
MB_64 = 64 * 1024 * 1024
PAGE = "SELECT id FROM orders WHERE customer_id = 98492 ORDER BY created_at DESC LIMIT 20"


def _shape(sql: str, count: int, total_s: float) -> QueryShape:
    text = fingerprint(sql, "postgres")
    return QueryShape(
        id=fingerprint_id(text), fingerprint=text, example=sql, count=count, total_time_s=total_s,
        mean_time_s=total_s / count, p95_time_s=total_s / count, max_time_s=total_s / count,
        tables=["orders"],
    )


def _digest(report_s: float, page_s: float, statement: str | None = REPORT) -> WorkloadDigest:
    return WorkloadDigest(
        source="postgresql.log",
        format="postgres_log",
        queries=[_shape(REPORT, 22, report_s), _shape(PAGE, 142, page_s)],
        total_time_s=report_s + page_s,
        temp_files=[
            TempFiles(
                fingerprint=fingerprint(statement, "postgres") if statement else None, statement=statement,
                files=22, total_bytes=22 * 3424256, spill_bytes=3424256, first_line=12,
            )
        ],
    )


def test_a_spilling_report_is_one_finding_with_its_share_and_a_work_mem_change() -> None:
    [finding] = work_mem_spill_findings([_digest(report_s=60.0, page_s=20.0)])
    shape_id = fingerprint_id(fingerprint(REPORT, "postgres"))
    assert (finding.kind, finding.subject, finding.layer, finding.impact, finding.priority) == (
        "work_mem_spill", f"orders in shape {shape_id}", "database", 0.75, "high"
    )
    assert finding.estimate is None  # the time after the change is not projected
    assert finding.evidence[0].line == 12
    assert finding.evidence[0].values == {
        "temp_files": 22, "temp_bytes_floor": 75333632, "max_execution_temp_bytes": 3424256,
        "suggested_mb": 16, "statement_calls": 22, "statement_time_s": 60.0,
        "workload_time_s": 80.0, "workload_share": 0.75,
    }
    assert finding.title == f"Statement spills past work_mem: 71.8 MB of temporary files, in shape {shape_id}"
    assert finding.root_cause.startswith(
        "The server logged 22 temporary file(s) for this statement, 71.8 MB in all and up to 3.3 MB in one "
        "execution"
    )
    remedy = finding.remediation
    assert remedy is not None
    assert (remedy.kind, remedy.risk, remedy.auto_applicable) == ("config", "medium", False)
    assert "SET work_mem = '16MB'" in remedy.content and "SET LOCAL work_mem = '16MB'" in remedy.content
    assert "not server-wide" in remedy.content and "double what it has instead" in remedy.content


@pytest.mark.parametrize(
    ("digest", "why"),
    [
        (_digest(report_s=1.0, page_s=99.0), "the spilling statement takes 1% of the time"),
        (_digest(report_s=60.0, page_s=20.0, statement=None), "no statement names the files"),
        (_digest(report_s=60.0, page_s=20.0, statement="SELECT 1 FROM users"), "no shape times it"),
    ],
)
def test_no_finding(digest: WorkloadDigest, why: str) -> None:
    assert work_mem_spill_findings([digest]) == [], why


@pytest.mark.parametrize(
    ("largest_file", "mb"),
    [(3424256, 16), (100 * 1024, 8), (2 * 1024 * 1024, 8), (300 * 1024 * 1024, 2048)],
)
def test_suggested_work_mem_is_four_times_the_largest_file(largest_file: int, mb: int) -> None:
    assert suggested_work_mem_mb(largest_file) == mb


def test_the_recorded_log_names_the_spend_report() -> None:
    digest = digest_file(RECORDED / "postgresql.log")
    [finding] = work_mem_spill_findings([digest])
    assert finding.subject == f"orders in shape {digest.queries[0].id}"
    assert finding.impact == round(digest.queries[0].total_time_s / digest.total_time_s, 4)
    assert finding.evidence[0].values["temp_files"] == 22


def test_pg_stat_statements_temp_blocks_give_the_same_finding() -> None:
    digest = digest_file(RECORDED / "pg_stat_statements.csv")
    [finding] = work_mem_spill_findings([digest])
    assert finding.subject == f"orders in shape {digest.queries[0].id}"
    assert finding.root_cause.startswith(
        "pg_stat_statements counted 9,240 temporary blocks written by this statement over 22 calls, 72.2 MB"
        " in all (3.3 MB per call; 8 kB blocks)"
    )
    values = finding.evidence[0].values
    assert (values["temp_bytes_per_call"], values["temp_calls"], values["suggested_mb"]) == (3440640, 22, 16)


def test_an_index_build_spills_past_maintenance_work_mem() -> None:
    build = "CREATE INDEX orders_created_at_idx ON orders (created_at)"
    text = fingerprint(build, "postgres")
    digest = WorkloadDigest(
        source="postgresql.log", format="postgres_log", queries=[_shape(build, 1, 30.0)], total_time_s=30.0,
        temp_files=[
            TempFiles(
                fingerprint=text, statement=build, files=1, total_bytes=MB_64, spill_bytes=MB_64, first_line=3
            )
        ],
    )
    [finding] = work_mem_spill_findings([digest])
    assert finding.remediation is not None
    assert "SET maintenance_work_mem = '256MB'" in finding.remediation.content
    assert finding.title.startswith("Statement spills past maintenance_work_mem: 64.0 MB")
