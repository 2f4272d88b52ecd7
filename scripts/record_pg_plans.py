"""Record the saved-plan fixtures of `perfpilot db explain --plan` from the local PostgreSQL (15 here).

Creates a throwaway database `dbplans_plans`, fills three tables, forces parallel plans (parallel_setup_cost
and parallel_tuple_cost 0, min_parallel_table_scan_size 0, two workers per Gather) and saves each plan as
PostgreSQL writes it: `<name>.json` from EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) and `<name>.txt` from the
same EXPLAIN in the default text format (the echoed EXPLAIN line first, as `psql -e` prints it). Plain
EXPLAIN (no ANALYZE) plans are saved as `<name>.json` / `<name>.txt` too. Does not import perfpilot.

    .venv/bin/python scripts/record_pg_plans.py [--out DIR] [NAME ...]   # default: every plan, into
                                                                         # tests/fixtures/plans

Connection: PG_ADMIN_DSN (default postgresql://perfpilot:perfpilot@127.0.0.1:5432/perfpilot_test), a
role allowed to create databases. The database is dropped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import psycopg

ADMIN = os.environ.get("PG_ADMIN_DSN", "postgresql://perfpilot:perfpilot@127.0.0.1:5432/perfpilot_test")
DATABASE = "dbplans_plans"
FIXTURES = Path(__file__).resolve().parents[1] / "tests/fixtures/plans"

SCHEMA = """
CREATE TABLE accounts (id integer PRIMARY KEY, region text NOT NULL);
INSERT INTO accounts SELECT g, (ARRAY['eu', 'us', 'apac', 'latam'])[1 + g % 4]
FROM generate_series(1, 20000) AS g;
CREATE TABLE events (id integer NOT NULL, account_id integer NOT NULL, kind text NOT NULL,
                     payload text NOT NULL);
INSERT INTO events SELECT g, 1 + g % 20000, (ARRAY['view', 'click', 'buy'])[1 + g % 3], md5(g::text)
FROM generate_series(1, 300000) AS g;
CREATE TABLE jobs (id integer NOT NULL, state text NOT NULL) WITH (autovacuum_enabled = false);
INSERT INTO jobs SELECT g, 'done' FROM generate_series(1, 200000) AS g;
ANALYZE accounts, events, jobs;
-- after ANALYZE: the statistics still say every job is done
UPDATE jobs SET state = 'queued' WHERE id % 4 = 0;
"""

PARALLEL = (
    "SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0; "
    "SET max_parallel_workers_per_gather = 2; SET jit = off"
)

# name -> (settings after PARALLEL, statement, analyzed)
PLANS: dict[str, tuple[str, str, bool]] = {
    "parallel_seq_scan": ("", "SELECT id, kind FROM events WHERE account_id = 77", True),
    "parallel_seq_scan_plain": ("", "SELECT id, kind FROM events WHERE account_id = 77", False),
    "stale_statistics": ("", "SELECT count(*) FROM jobs WHERE state = 'queued'", True),
    "sort_spill": ("SET work_mem = '64kB'", "SELECT id, payload FROM events ORDER BY payload", True),
    "hash_spill": (
        "SET work_mem = '64kB'",
        "SELECT a.region, count(*) FROM events e JOIN accounts a ON a.id = e.account_id GROUP BY a.region",
        True,
    ),
    "nested_loop": (
        "SET enable_hashjoin = off; SET enable_mergejoin = off",
        "SELECT e.id, a.region FROM events e JOIN accounts a ON a.id = e.account_id WHERE e.kind = 'click'",
        True,
    ),
    "hashagg_spill": (
        "SET work_mem = '64kB'; SET enable_sort = off",
        "SELECT payload, count(*) FROM events GROUP BY payload",
        True,
    ),
}


def _explain(conn: psycopg.Connection, options: str, statement: str) -> list[tuple[object, ...]]:
    return conn.execute(f"EXPLAIN ({options}) {statement}").fetchall()  # type: ignore[arg-type]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=FIXTURES)
    parser.add_argument("names", nargs="*", choices=[[], *PLANS], help="Plans to record (default: all).")
    args = parser.parse_args()
    out: Path = args.out
    wanted = set(args.names or PLANS)
    out.mkdir(parents=True, exist_ok=True)
    with psycopg.connect(ADMIN, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        admin.execute(f"CREATE DATABASE {DATABASE}")
    target = ADMIN.rsplit("/", 1)[0] + "/" + DATABASE
    try:
        with psycopg.connect(target, autocommit=True) as conn:
            conn.execute(SCHEMA)
            version = conn.execute("SHOW server_version").fetchone()
            for name, (settings, statement, analyzed) in PLANS.items():
                if name not in wanted:
                    continue
                conn.execute(PARALLEL + (f"; {settings}" if settings else ""))
                extra = "ANALYZE, BUFFERS, " if analyzed else ""
                document = _explain(conn, f"{extra}FORMAT JSON", statement)[0][0]
                (out / f"{name}.json").write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
                lines = [str(row[0]) for row in _explain(conn, extra.rstrip(", ") or "COSTS", statement)]
                echoed = f"EXPLAIN {'(ANALYZE, BUFFERS) ' if analyzed else ''}{statement};"
                (out / f"{name}.txt").write_text(echoed + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
                conn.execute("RESET ALL")
                print(f"{name}: {out / name}.json/.txt")
            print(f"recorded with PostgreSQL {version[0] if version else '?'}")
    finally:
        with psycopg.connect(ADMIN, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {DATABASE}")


if __name__ == "__main__":
    main()
