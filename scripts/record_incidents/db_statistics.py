"""Record the stale-statistics incident: a job queue bulk-updated after ANALYZE, autovacuum off for the table.

Injected fault: `jobs` (autovacuum_enabled = false) is analyzed while 90% of its rows are 'queued'; then
one bulk UPDATE marks all but the newest 500 rows 'done'. Nothing re-analyzes it, so the planner still
believes 'queued' matches ~90% of rows and serves `WHERE state = 'queued' ORDER BY created_at LIMIT 20`
by walking the created_at index past ~500k 'done' rows. Fix: ANALYZE jobs (the plan becomes the state
index plus a top-N sort). auto_explain writes the slow plans into the server log, as a DBA would enable.
Run: .venv/bin/python scripts/record_incidents/db_statistics.py [--seconds 30]
"""

from __future__ import annotations

import argparse
import json

from db_common import Recorder, write_measurements

SCHEMA = """
CREATE TABLE accounts (id bigserial PRIMARY KEY, name text NOT NULL, plan text NOT NULL);
CREATE TABLE jobs (
    id bigserial PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES accounts (id),
    state text NOT NULL,
    payload text NOT NULL,
    created_at timestamptz NOT NULL
) WITH (autovacuum_enabled = false);
INSERT INTO accounts (name, plan)
SELECT 'account ' || g, (ARRAY['free', 'pro', 'team'])[1 + g % 3] FROM generate_series(1, 2000) g;
INSERT INTO jobs (account_id, state, payload, created_at)
SELECT 1 + g % 2000, CASE WHEN g % 10 = 0 THEN 'done' ELSE 'queued' END, md5(g::text),
       now() - (500000 - g) * interval '1 second'
FROM generate_series(1, 500000) g;
CREATE INDEX jobs_state_idx ON jobs (state);
CREATE INDEX jobs_created_at_idx ON jobs (created_at);
VACUUM ANALYZE accounts;
VACUUM ANALYZE jobs;
"""

BULK_CHANGE = "UPDATE jobs SET state = 'done' WHERE id <= 499500 AND state = 'queued'"

WORKLOAD = {
    "next_jobs": (
        "SELECT id, account_id, payload FROM jobs WHERE state = 'queued' ORDER BY created_at LIMIT 20;\n",
        1,
    ),
    "job_by_id": (
        "\\set jid random(1, 500000)\nSELECT id, state, created_at FROM jobs WHERE id = :jid;\n",
        6,
    ),
    "account_by_id": (
        "\\set aid random(1, 2000)\nSELECT id, name, plan FROM accounts WHERE id = :aid;\n",
        3,
    ),
}
NEXT_JOBS = "SELECT id, account_id, payload FROM jobs WHERE state = 'queued' ORDER BY created_at LIMIT 20"
AUTO_EXPLAIN = (
    "SET session_preload_libraries = 'auto_explain'",
    "SET auto_explain.log_min_duration = '200ms'",
    "SET auto_explain.log_analyze = on",
    "SET auto_explain.log_timing = off",
    "SET auto_explain.log_format = 'json'",
)


def table_stats(rec: Recorder, filename: str) -> None:
    rows = rec.query(
        "SELECT relname, n_live_tup, n_dead_tup, n_mod_since_analyze, last_analyze, last_autoanalyze"
        " FROM pg_stat_user_tables ORDER BY relname"
    )
    header = "relname,n_live_tup,n_dead_tup,n_mod_since_analyze,last_analyze,last_autoanalyze\n"
    body = "".join(",".join("" if v is None else str(v) for v in row) + "\n" for row in rows)
    rec.write(filename, header + body)


def record(seconds: int) -> dict[str, object]:
    rec = Recorder("stale_statistics", "db-jobs-stale-statistics-pgbench")
    rec.fresh_database()
    rec.execute_script(SCHEMA)
    rec.execute(BULK_CHANGE)
    rec.query("SELECT pg_stat_force_next_flush()")
    rec.explain(NEXT_JOBS, "explain_before.json")
    table_stats(rec, "pg_stat_user_tables.csv")
    rec.dump_schema("schema.sql")
    for setting in AUTO_EXPLAIN:
        rec.execute(f'ALTER DATABASE "{rec.database}" {setting}')
    rec.log_statements(True)
    runs, logs = {}, {}
    for phase in ("before", "after"):
        if phase == "after":
            rec.execute("ANALYZE jobs")
            rec.explain(NEXT_JOBS, "explain_after.json")
        runs[phase], logs[phase] = rec.measure_phase(phase, WORKLOAD, clients=2, seconds=seconds, rate=20)
    rec.log_statements(False)
    rec.execute(f'ALTER DATABASE "{rec.database}" RESET ALL')
    return write_measurements(rec, runs, logs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=30, help="pgbench -T for each phase")
    print(json.dumps(record(parser.parse_args().seconds)))


if __name__ == "__main__":
    main()
