"""Finding titles in words (never a bare hash), metric names and estimates with units and their change."""

from __future__ import annotations

import pytest

from perfpilot.artifacts import ImpactEstimate
from perfpilot.reports.wording import estimate_text, finding_title, is_bare_hash, metric_words


@pytest.mark.parametrize(
    ("text", "bare"),
    [
        ("db-66b8527ddc", True),
        ("3fa2b1c9e0", True),
        ("shape:9d1d49892db92b1c", True),
        ("deadbeefcafe", False),  # no digit: a word, however odd
        ("Missing index on orders(customer_id)", False),
        ("2024", False),
    ],
)
def test_what_counts_as_a_bare_hash(text: str, bare: bool) -> None:
    assert is_bare_hash(text) is bare


def test_a_hash_title_is_replaced_by_the_kind_in_words() -> None:
    assert finding_title("db-66b8527ddc", "missing_index", "orders(customer_id)") == (
        "Missing index on orders(customer_id)"
    )
    assert finding_title("3fa2b1c9e0", "slow_query_shape", "9d1d49892db92b1c") == "Slow query shape"
    assert finding_title("  ", "n_plus_one", "GET /orders") == "N plus one on GET /orders"
    assert finding_title("Plan of 29f231334807962a: full scan of orders (200,000 rows)", "seq_scan", "s") == (
        "Full scan of orders (200,000 rows)"  # the shape's hash stays in the finding's details
    )
    assert finding_title("Missing index on products(name)", "missing_index", "x") == (
        "Missing index on products(name)"
    )


def test_estimates_read_with_units_and_an_agreeing_change() -> None:
    uid = ImpactEstimate(metric="container_uid:Dockerfile", current=0, expected=10001, unit="uid")
    assert estimate_text(uid) == "container uid (Dockerfile): 0 → 10001"  # an identifier: no change
    db = ImpactEstimate(metric="workload_time_s", current=130.98, expected=25.0, unit="s")
    assert estimate_text(db) == "workload time: 131 s → 25 s (−81%)"
    cpu = ImpactEstimate(metric="cpu_util_p95:checkout-db", current=0.94, expected=0.47, unit="fraction")
    assert estimate_text(cpu) == "cpu util p95 (checkout-db): 94% → 47% (−50%)"
    assert metric_words("p95_ms:GET /orders/{id}") == "p95 (GET /orders/{id})"
    share = ImpactEstimate(metric="cpu_share:Database.query", current=0.756, expected=0.378, unit="share")
    assert estimate_text(share) == "cpu share (Database.query): 76% → 38% (−50%)"
    cost = ImpactEstimate(metric="usd_month", current=561.0, expected=280.5, unit="USD/month")
    assert estimate_text(cost) == "cost: 561 USD/month → 280 USD/month (−50%)"


def test_a_change_interval_reads_as_percentages_without_negative_zero() -> None:
    import math

    from perfpilot.artifacts.validation import ChangeInterval
    from perfpilot.reports.html.plan_view import interval_text

    change = ChangeInterval(
        log_ratio=math.log(0.58), low=math.log(0.5), high=math.log(0.69), after_low=55.2, after_high=61.4
    )
    assert interval_text(change, "ms") == "−42% [−50%, −31%]; after 55.2–61.4 ms"
    assert interval_text(ChangeInterval(log_ratio=-0.0), "ms") == "0% (noise unknown)"  # never −0%
    assert interval_text(None, "ms") == "–"

