"""Schema files as pg_dump writes them: meta-commands skipped, every catalog statement read, and a
schema that fails to parse, wholly or in part, listed as skipped evidence with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfpilot.evidence.load import load_evidence
from perfpilot.skills.database_optimization.api import catalog_from_ddl
from perfpilot.skills.database_optimization.catalog.ddl import read_ddl
from perfpilot.skills.database_optimization.catalog.psql_script import sql_of_psql_script
from perfpilot.target import load_target

DUMPS = Path(__file__).resolve().parents[2] / "fixtures" / "database_optimization" / "pg_dump"


@pytest.mark.parametrize("name", ["schema.pg15.sql", "schema.pg17.sql"])
def test_pg_dump_schema_gives_the_whole_catalog(name: str) -> None:
    read = read_ddl(DUMPS / name, "postgres")
    assert read.problems == []
    catalog = read.catalog
    assert [(t.schema_name, t.name) for t in catalog.tables] == [
        ("public", "customers"), ("public", "order_items"), ("public", "orders"),
    ]
    indexes = {
        t.name: sorted((i.name, tuple(i.columns), i.unique, i.primary, i.partial) for i in t.indexes)
        for t in catalog.tables
    }
    assert indexes == {
        "customers": [
            ("customers_email_key", ("email",), True, False, False),
            ("customers_lower_email_idx", ("lower(email)",), False, False, False),
            ("customers_pkey", ("id",), True, True, False),
        ],
        "order_items": [("order_items_pkey", ("order_id", "line_no"), True, True, False)],
        "orders": [
            ("orders_created_at_idx", ("created_at",), False, False, False),
            ("orders_open_idx", ("customer_id",), False, False, True),
            ("orders_pkey", ("id",), True, True, False),
        ],
    }
    orders = catalog.table("orders")
    assert orders is not None
    assert [(c.name, c.type, c.nullable) for c in orders.columns] == [
        ("id", "BIGINT", False), ("customer_id", "BIGINT", False), ("status", "TEXT", False),
        ("total", "DECIMAL(10, 2)", True), ("note", "TEXT", True), ("created_at", "TIMESTAMPTZ", False),
    ]


def test_meta_commands_and_copy_data_are_blanked_outside_quotes_only() -> None:
    script = (
        "\\restrict abc\n"
        "\\connect shop\n"
        "CREATE FUNCTION f() RETURNS text AS $body$\n"
        "\\not a meta-command inside a dollar-quoted body\n"
        "$body$ LANGUAGE sql;\n"
        "COPY public.t (id) FROM stdin;\n"
        "1\n"
        "\\.\n"
        "SELECT 'it''s\n"
        "\\still a string';\n"
        "  \\unrestrict abc\n"
    )
    assert sql_of_psql_script(script).split("\n") == [
        "", "",
        "CREATE FUNCTION f() RETURNS text AS $body$",
        "\\not a meta-command inside a dollar-quoted body",
        "$body$ LANGUAGE sql;",
        "", "", "",
        "SELECT 'it''s",
        "\\still a string';",
        "", "",
    ]


BROKEN = """\
\\restrict k
SET statement_timeout = 0;
SELECT pg_catalog.set_config('search_path', '', false);
CREATE TABLE public.a (id integer NOT NULL);
CREATE TABLE public.b (id integer NOT NULL,
    EXCLUDE pointless (id WITH =) nonsense here
);
CREATE FUNCTION public.g() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
ALTER TABLE public.a OWNER TO app;
ALTER TABLE ONLY public.a
    ADD CONSTRAINT a_pkey PRIMARY KEY (id);
\\unrestrict k
"""


def test_a_catalog_statement_that_does_not_parse_is_a_problem_with_its_line(tmp_path: Path) -> None:
    ddl = tmp_path / "schema.sql"
    ddl.write_text(BROKEN)
    read = read_ddl(ddl, "postgres")
    assert [p.line for p in read.problems] == [5]
    assert read.problems[0].reason.startswith("cannot parse 'CREATE TABLE public.b (id integer NOT NULL, EXC")
    table = read.catalog.table("a")
    assert table is not None and [(i.name, i.primary) for i in table.indexes] == [("a_pkey", True)]
    with pytest.raises(ValueError, match=r"schema\.sql:5: cannot parse"):
        catalog_from_ddl(ddl, "postgres")


def test_schema_problems_are_skipped_evidence_in_the_bundle(tmp_path: Path) -> None:
    (tmp_path / "schema.sql").write_text(BROKEN)
    (tmp_path / "target.yaml").write_text("name: shop\nevidence:\n  database:\n    ddl: schema.sql\n")
    bundle = load_evidence(load_target(tmp_path / "target.yaml"))
    assert [(s.source, s.line, s.reason[:44]) for s in bundle.skipped] == [
        ("schema.sql", 5, "schema statement left out: cannot parse 'CRE"),
    ]


def test_an_unreadable_schema_is_skipped_evidence(tmp_path: Path) -> None:
    (tmp_path / "schema.sql").write_bytes(b"CREATE TABLE a (id int);\n\xff\xfe")
    (tmp_path / "target.yaml").write_text("name: shop\nevidence:\n  database:\n    ddl: schema.sql\n")
    bundle = load_evidence(load_target(tmp_path / "target.yaml"))
    assert [(s.source, s.line) for s in bundle.skipped] == [("schema.sql", None)]
    assert bundle.skipped[0].reason.startswith("schema unreadable: cannot read the DDL file")


@pytest.mark.parametrize("name", ["schema.pg15.sql", "schema.pg17.sql"])
def test_alter_statements_that_add_nothing_are_not_parsed(
    name: str, caplog: pytest.LogCaptureFixture
) -> None:
    """ALTER TABLE ... OWNER TO / ALTER COLUMN ... SET DEFAULT say nothing to the catalog: sqlglot never
    sees them, so it never warns that it falls back to an opaque command."""
    with caplog.at_level("DEBUG", logger="sqlglot"):
        read_ddl(DUMPS / name, "postgres")
    assert [r.getMessage() for r in caplog.records if r.name == "sqlglot"] == []


def test_the_autovacuum_storage_parameter_is_read(tmp_path: Path) -> None:
    ddl = tmp_path / "schema.sql"
    ddl.write_text(
        "CREATE TABLE public.jobs (id bigint NOT NULL)\nWITH (autovacuum_enabled='false', fillfactor='90');\n"
        "CREATE TABLE public.logs (id bigint) WITH (autovacuum_enabled = true);\n"
        "CREATE TABLE public.plain (id bigint);\n"
        "ALTER TABLE public.jobs OWNER TO app;\n"
    )
    read = read_ddl(ddl, "postgres")
    assert read.problems == []
    assert [(t.name, t.autovacuum_enabled) for t in read.catalog.tables] == [
        ("jobs", False), ("logs", True), ("plain", None),
    ]
