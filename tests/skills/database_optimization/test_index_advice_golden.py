"""Golden fixtures for index advice a DBA would accept (heuristic what-if, no database): each case's
schema and shapes give exactly the recommendations in its .json."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from perfpilot.skills.database_optimization.api import advise, catalog_from_ddl
from perfpilot.workload.models import QueryShape

CASES = sorted((Path(__file__).resolve().parents[2] / "fixtures" / "database_optimization" / "index_advice")
               .glob("*.sql"))


def read_case(case: Path) -> tuple[str, str, list[QueryShape]]:
    """(dialect, schema DDL, shapes): lines before the first `-- shape ID COUNT` are the schema."""
    dialect, schema, shapes = "postgres", [], []
    current: tuple[str, int, list[str]] | None = None

    def close() -> None:
        if current is not None:
            sql = " ".join(current[2]).strip().rstrip(";")
            shapes.append(QueryShape(
                id=current[0], fingerprint=sql, example=sql, count=current[1], total_time_s=current[1] * 0.01,
                mean_time_s=0.01, p95_time_s=0.01, max_time_s=0.01,
            ))

    for line in case.read_text().splitlines():
        if line.startswith("-- dialect:"):
            dialect = line.split(":", 1)[1].strip()
        elif line.startswith("-- shape "):
            close()
            _, _, shape_id, count = line.split()
            current = (shape_id, int(count), [])
        elif current is not None:
            current[2].append(line)
        elif not line.startswith("--"):
            schema.append(line)
    close()
    return dialect, "\n".join(schema), shapes


def observed(case: Path, tmp_path: Path) -> list[dict[str, Any]]:
    dialect, schema, shapes = read_case(case)
    (tmp_path / "schema.sql").write_text(schema)
    catalog = catalog_from_ddl(tmp_path / "schema.sql", dialect)  # type: ignore[arg-type]
    advice = advise(shapes, catalog, dsn=None, dialect=dialect)
    return [
        {"ddl": r.ddl, "shapes": sorted(q.shape_id for q in r.queries), "makes_redundant": r.makes_redundant}
        for r in advice.recommendations
    ]


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_index_advice_case(case: Path, tmp_path: Path) -> None:
    found = observed(case, tmp_path)
    golden = case.with_suffix(".json")
    if os.environ.get("PERFPILOT_WRITE_GOLDEN") == "1":
        golden.write_text(json.dumps(found, indent=2) + "\n")
    assert found == json.loads(golden.read_text())
