"""pg_stat_user_tables CSV beside a DDL file: row counts and changes since ANALYZE reach the catalog."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfpilot.skills.database_optimization.catalog.ddl import DdlError, read_ddl
from perfpilot.skills.database_optimization.catalog.source import load_catalog
from perfpilot.skills.database_optimization.catalog.table_stats import apply_table_stats
from perfpilot.skills.database_optimization.findings.hygiene import stale_statistics_findings
from perfpilot.target.spec import DatabaseSource, EvidenceSources, Target

DDL = "CREATE TABLE public.accounts (id bigint NOT NULL);\nCREATE TABLE public.jobs (id bigint NOT NULL);\n"
# as db_statistics.py recorded it from PostgreSQL 15 (COPY ... CSV HEADER of pg_stat_user_tables)
STATS = (
    "relname,n_live_tup,n_dead_tup,n_mod_since_analyze,last_analyze,last_autoanalyze\n"
    "accounts,2000,0,0,2026-12-06 17:15:23.990143+00:00,\n"
    "jobs,500000,449550,449550,2026-12-06 17:15:24.263731+00:00,\n"
    "other_table,10,0,0,,\n"
)


def _files(tmp_path: Path, stats: str = STATS) -> tuple[Path, Path]:
    (tmp_path / "schema.sql").write_text(DDL)
    (tmp_path / "tables.csv").write_text(stats)
    return tmp_path / "schema.sql", tmp_path / "tables.csv"


def test_the_figures_reach_the_catalog_and_name_the_stale_table(tmp_path: Path) -> None:
    ddl, stats = _files(tmp_path)
    source = DatabaseSource(ddl=ddl, table_stats=stats)
    result = load_catalog(Target(name="jobs-db", evidence=EvidenceSources(database=source)))
    assert result.catalog is not None and result.notes == ()
    jobs = result.catalog.table("jobs")
    assert jobs is not None
    assert (jobs.row_count, jobs.modified_since_analyze) == (500000, 449550)
    assert jobs.last_analyze == "2026-12-06 17:15:24.263731+00:00"
    [finding] = stale_statistics_findings(result.catalog)
    assert finding.subject == "jobs" and finding.remediation is not None
    assert finding.remediation.content == "ANALYZE jobs;"
    assert "449,550 rows of jobs (90% of 500,000) changed since the last ANALYZE" in finding.root_cause


def test_a_bad_value_names_file_line_and_field(tmp_path: Path) -> None:
    ddl, stats = _files(tmp_path, STATS.replace("jobs,500000", "jobs,lots"))
    catalog = read_ddl(ddl, "postgres").catalog
    with pytest.raises(DdlError, match=r"tables.csv:3: n_live_tup: not a number: 'lots'"):
        apply_table_stats(catalog, stats)
    source = DatabaseSource(ddl=ddl, table_stats=stats)
    notes = load_catalog(Target(name="x", evidence=EvidenceSources(database=source))).notes
    assert len(notes) == 1 and notes[0].startswith("table statistics left out: ")


def test_a_file_without_relname_is_not_table_statistics(tmp_path: Path) -> None:
    ddl, stats = _files(tmp_path, "name,rows\njobs,1\n")
    with pytest.raises(DdlError, match="no relname column"):
        apply_table_stats(read_ddl(ddl, "postgres").catalog, stats)
