"""Heuristic what-if (no DSN): an index that delivers the ORDER BY avoids the sort and stops at the LIMIT."""

from __future__ import annotations

import math
from pathlib import Path

from perfpilot.skills.database_optimization.api import advise, catalog_from_ddl
from perfpilot.skills.database_optimization.indexes.candidates import IndexCandidate, analyse_shape
from perfpilot.skills.database_optimization.indexes.heuristic import DEFAULT_ROWS, HeuristicWhatIf
from perfpilot.workload.models import QueryShape

DDL = """
CREATE TABLE orders (
    id bigserial PRIMARY KEY,
    customer_id bigint NOT NULL,
    status text NOT NULL,
    created_at timestamptz NOT NULL
);
"""
PAID = "SELECT id, customer_id FROM orders WHERE status = 'paid' ORDER BY created_at DESC LIMIT 50"


def _shape(sql: str, count: int = 300) -> QueryShape:
    return QueryShape(
        id="s1",
        fingerprint=sql,
        example=sql,
        count=count,
        total_time_s=count * 0.5,
        mean_time_s=0.5,
        p95_time_s=0.9,
        max_time_s=1.0,
    )


def test_ordered_limited_index_touches_only_the_limit(tmp_path: Path) -> None:
    (tmp_path / "schema.sql").write_text(DDL)
    catalog = catalog_from_ddl(tmp_path / "schema.sql", "postgres")
    use = analyse_shape(_shape(PAID), catalog, "postgres")
    assert use is not None and use.limit == 50 and use.order_by == [("orders", "created_at", True)]
    whatif = HeuristicWhatIf(catalog)
    log_rows = math.log2(DEFAULT_ROWS + 1)
    matched = DEFAULT_ROWS * 0.1  # one equality of unknown n_distinct keeps 1/10
    # No index: scan every row, then sort the 100 that match.
    assert whatif.cost(use, frozenset()) == DEFAULT_ROWS + matched
    # (status): 2 touches per matched row plus the sort of those rows.
    status = IndexCandidate("orders", ("status",))
    assert whatif.cost(use, frozenset({status})) == 2 * matched + matched + log_rows
    # (status, created_at): already in order, stops after 50 rows.
    ordered = IndexCandidate("orders", ("status", "created_at"))
    assert whatif.cost(use, frozenset({ordered})) == 2 * 50 + log_rows


def test_advisor_proposes_the_index_that_serves_the_order(tmp_path: Path) -> None:
    (tmp_path / "schema.sql").write_text(DDL)
    catalog = catalog_from_ddl(tmp_path / "schema.sql", "postgres")
    advice = advise([_shape(PAID)], catalog, dsn=None, dialect="postgres")
    assert advice.method == "heuristic"
    assert [r.columns[:2] for r in advice.recommendations] == [["status", "created_at"]]


def test_aggregates_and_mixed_directions_get_no_early_stop(tmp_path: Path) -> None:
    (tmp_path / "schema.sql").write_text(DDL)
    catalog = catalog_from_ddl(tmp_path / "schema.sql", "postgres")
    whatif = HeuristicWhatIf(catalog)
    ordered = IndexCandidate("orders", ("status", "created_at"))
    mixed = analyse_shape(
        _shape("SELECT id FROM orders WHERE status = 'paid' ORDER BY created_at DESC, id ASC LIMIT 5"),
        catalog,
        "postgres",
    )
    assert mixed is not None
    # Mixed directions: no index order, no sort modelled either (as before this rule).
    assert whatif.cost(mixed, frozenset({ordered})) == 2 * DEFAULT_ROWS * 0.1 + math.log2(DEFAULT_ROWS + 1)
    counted = analyse_shape(
        _shape("SELECT count(*) FROM orders WHERE status = 'paid' ORDER BY created_at LIMIT 5"),
        catalog,
        "postgres",
    )
    assert counted is not None and counted.grouped
    assert whatif.cost(counted, frozenset({ordered})) == 2 * DEFAULT_ROWS * 0.1 + math.log2(DEFAULT_ROWS + 1)
