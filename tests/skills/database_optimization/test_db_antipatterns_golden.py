"""Golden fixtures: each anti-pattern case (a .sql with header comments) gives exactly its expected .json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from perfpilot.skills.database_optimization.antipatterns import run_checks
from perfpilot.skills.database_optimization.api import catalog_from_ddl
from perfpilot.skills.database_optimization.catalog.models import Catalog, Dialect
from perfpilot.skills.database_optimization.shapes.analyze import analyze_sql

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "database_optimization"
CASES = sorted((FIXTURES / "antipatterns").glob("*.sql"))


def headers(text: str) -> dict[str, str]:
    """`-- key: value` lines at the top of a case."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("-- ") and ":" in line:
            key, _, value = line[3:].partition(":")
            found[key.strip()] = value.strip()
    return found


def case_catalog(dialect: Dialect, rows: str) -> Catalog:
    catalog = catalog_from_ddl(FIXTURES / "schema.sql", dialect)
    for pair in filter(None, (p.strip() for p in rows.split(","))):
        name, _, count = pair.partition("=")
        table = catalog.table(name)
        assert table is not None, f"rows header names unknown table {name}"
        table.row_count = int(count)
    return catalog


def observed(case: Path) -> list[dict[str, Any]]:
    """Run every check over the case and keep the stable fields of each anti-pattern."""
    text = case.read_text()
    head = headers(text)
    dialect: Dialect = head["dialect"]  # type: ignore[assignment]
    sql = "\n".join(line for line in text.splitlines() if not line.startswith("--"))
    analysis = analyze_sql(sql, dialect)
    assert analysis.parsed, analysis.error
    found = run_checks(analysis, case_catalog(dialect, head.get("rows", "")))
    return [p.model_dump(exclude={"detail"}) for p in found]


def expected(case: Path) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(case.with_suffix(".json").read_text())
    return data


def test_cases_exist_for_every_check() -> None:
    from perfpilot.skills.database_optimization.antipatterns import CHECKS

    covered = {item["check"] for case in CASES for item in expected(case)}
    assert covered == {check_id for check_id, _ in CHECKS}


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_antipattern_golden(case: Path) -> None:
    assert observed(case) == expected(case)


def test_details_name_the_sql_as_written_not_the_parsers_node_names() -> None:
    analysis = analyze_sql("SELECT id FROM orders WHERE DATE(created_at) = '2024-01-01'", "mysql")
    details = [p.detail for p in run_checks(analysis)]
    assert details == [
        "if created_at is indexed, the comparison wraps it in DATE(created_at), so the index on the bare "
        "column cannot be used (the predicate is not sargable)."
    ]
