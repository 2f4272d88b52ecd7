"""The skill against real PostgreSQL 15: live catalog, HypoPG-priced index advice, plan findings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.skills.base import SkillContext
from perfpilot.skills.database_optimization.skill import SKILL
from perfpilot.target.spec import DatabaseSource, EvidenceSources, Target, WorkloadSource
from perfpilot.workload.digest import digest_file

pytestmark = pytest.mark.postgres
SCHEMA = "dbskill"


@pytest.fixture(scope="module")
def seeded(hypopg_dsn: str) -> str:
    import psycopg

    pg_dsn = hypopg_dsn
    with psycopg.connect(pg_dsn, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        conn.execute(f"CREATE SCHEMA {SCHEMA}")
        conn.execute(f"CREATE TABLE {SCHEMA}.dbs_orders (id int PRIMARY KEY, customer_id int NOT NULL, "
                     "status text NOT NULL, total numeric(10, 2), created_at timestamptz NOT NULL)")
        conn.execute(f"INSERT INTO {SCHEMA}.dbs_orders SELECT g, g % 5000, "
                     "(ARRAY['paid','shipped','refunded'])[1 + g % 3], g % 300, "
                     "timestamptz '2024-01-01' + g * interval '1 minute' FROM generate_series(1, 150000) g")
        conn.execute(f"ANALYZE {SCHEMA}.dbs_orders")
    return pg_dsn


def test_live_postgres_catalog_and_hypopg_index_advice(seeded: str, tmp_path: Path) -> None:
    log = tmp_path / "queries.jsonl"
    log.write_text("".join(
        json.dumps({"request_id": f"r{i}", "duration_ms": 30.0,
                    "sql": f"SELECT id, total FROM {SCHEMA}.dbs_orders WHERE customer_id = {i}"}) + "\n"
        for i in range(50)
    ))
    target = Target(name="pg", evidence=EvidenceSources(
        database=DatabaseSource(dsn=seeded, dialect="postgres"),
        workload=[WorkloadSource(path=log, format="jsonl", dialect="postgres")],
    ))
    bundle = EvidenceBundle(target=target, workloads=[digest_file(log, "jsonl", dialect="postgres")])
    out = SKILL.invoke({"focus_tables": ["dbs_orders"]}, SkillContext(evidence=bundle, workdir=tmp_path))
    assert out.index_method == "hypopg"
    assert out.catalog_source is not None and out.catalog_source.startswith("postgresql:")
    indexes = [f for f in out.findings if f.kind == "missing_index"]
    assert len(indexes) == 1
    index = indexes[0]
    assert index.subject.startswith(f"{SCHEMA}.dbs_orders(customer_id)")
    assert index.remediation is not None
    assert index.remediation.content.startswith("CREATE INDEX CONCURRENTLY IF NOT EXISTS")
    assert index.remediation.rollback.startswith("DROP INDEX CONCURRENTLY IF EXISTS")
    assert index.estimate is not None and index.estimate.expected < 0.5 * index.estimate.current
    assert "hypopg" in index.estimate.method
    assert all(f.kind in {"missing_index", "stale_statistics", "unused_index", "duplicate_index"}
               or f.kind.startswith(("plan:", "anti_pattern:")) for f in out.findings)
    assert "perfpilot@" not in json.dumps([f.model_dump() for f in out.findings]) + " ".join(out.notes)
