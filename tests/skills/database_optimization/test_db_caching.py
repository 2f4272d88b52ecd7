"""Cacheable results: repeated, expensive, unfiltered aggregates (and nothing else) become cache findings."""

from __future__ import annotations

import pytest

from perfpilot.skills.database_optimization.findings.cacheable import cache_finding, is_cacheable
from perfpilot.workload.models import QueryShape


def shape(fingerprint: str, count: int = 10, mean: float = 0.5) -> QueryShape:
    return QueryShape(
        id="s1",
        fingerprint=fingerprint,
        example=fingerprint,
        count=count,
        total_time_s=count * mean,
        mean_time_s=mean,
        p95_time_s=mean,
        max_time_s=mean,
        first_seen="2026-01-01T00:00:00+00:00",
        last_seen="2026-01-01T00:10:00+00:00",
    )


TOP = (
    "select p.id, sum(oi.quantity) as units from order_items oi join products p on p.id = oi.product_id "
    "group by p.id order by units desc limit ?"
)


@pytest.mark.parametrize(
    ("candidate", "expected"),
    [
        (shape(TOP, count=20), True),
        (shape(TOP), False),  # 10 calls in 600 s: one per 60 s TTL window, every call would miss
        (shape(TOP, count=1), False),
        (shape(TOP, count=20, mean=0.01), False),
        (shape("select * from orders where customer_id = ?"), False),
        (shape("select count(*) from orders o join items i on i.o = o.id where o.status = ?"), False),
        (shape("update counters set n = n + ?"), False),
        (shape("select id, name from products"), False),
    ],
)
def test_what_counts_as_cacheable(candidate: QueryShape, expected: bool) -> None:
    assert is_cacheable(candidate) is expected


def test_estimate_keeps_one_execution_per_ttl_window() -> None:
    finding = cache_finding(shape(TOP, count=100, mean=0.5), workload_time_s=100.0, source="q.jsonl")
    assert finding.layer == "cache" and finding.kind == "cacheable_query"
    assert finding.estimate is not None
    assert finding.estimate.current == 50.0
    assert finding.estimate.expected == pytest.approx(0.5 * 10)  # a 600 s window, 60 s TTL
    assert finding.remediation is not None and not finding.remediation.auto_applicable
    assert finding.priority == "high"
    assert finding.id == cache_finding(shape(TOP, count=100, mean=0.5), 100.0, "q.jsonl").id


def test_calls_with_no_timestamps_have_no_arrival_rate_so_no_saving_is_estimated() -> None:
    """pg_stat_statements' calls count since its reset: 100 calls in ten minutes or in a year, where a
    60 s TTL keeps 10 or all 100. The finding says so and puts the query's time at stake, not a saving."""
    totals = shape(TOP, count=100, mean=0.5).model_copy(update={"first_seen": None, "last_seen": None})
    finding = cache_finding(totals, workload_time_s=200.0, source="pg_stat_statements.csv")
    assert finding.estimate is None
    assert finding.impact == 0.25  # 50 s of the workload's 200 s
    assert finding.root_cause == (
        "The same unfiltered aggregate ran 100 times at a mean of 500 ms; it returns the same answer until "
        "the data changes. The source gives no timestamps (e.g. pg_stat_statements, whose calls count since "
        "its last reset): over what time they arrived is unknown, so how many a 60 s TTL would keep, and "
        "what caching saves, is not estimated; the impact is the time the query takes."
    )
    timed = cache_finding(shape(TOP, count=100, mean=0.5), workload_time_s=200.0, source="q.jsonl")
    assert timed.impact == 0.225 and timed.estimate is not None  # 45 s saved: 10 of 100 executions kept
