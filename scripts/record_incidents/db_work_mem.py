"""Record the work_mem incident: a spend report's aggregate does not fit in work_mem, so it goes to disk.

Injected fault: the database runs with `work_mem = 4MB` (PostgreSQL's default, set explicitly on the
database so the recording does not depend on the cluster's configuration) while the back office's spend
report groups ~950k orders into 100k customers and sorts them by spend. The hash table of 100k groups
does not fit in 4 MB (x hash_mem_multiplier), so the planner walks the whole orders table through the
customer_id index to aggregate in order, and the final sort of 100k groups spills to a temporary file.
The server logs every temporary file (`log_temp_files = 0`, set on the database as a DBA would) and
pg_stat_statements counts the temporary blocks (`temp_blks_read`, `temp_blks_written`).
Fix: `work_mem = 64MB` for this database (the report's hash aggregate and sort then fit in memory).
The after-state runs the same workload at the same rate.
Run: .venv/bin/python scripts/record_incidents/db_work_mem.py [--seconds 30] [--name work_mem]
"""

from __future__ import annotations

import argparse
import json

from db_common import PGSS_COLUMNS, Recorder, write_measurements

INCIDENT = "db-customer-spend-report-work-mem-pgbench"
SCHEMA = """
CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL, region text NOT NULL);
CREATE TABLE orders (
    id bigserial PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers (id),
    amount_cents int NOT NULL,
    status text NOT NULL,
    created_at timestamptz NOT NULL
);
INSERT INTO customers
SELECT g, 'customer ' || g, (ARRAY['north', 'south', 'east', 'west'])[1 + g % 4]
FROM generate_series(1, 100000) g;
INSERT INTO orders (customer_id, amount_cents, status, created_at)
SELECT 1 + (g::bigint * 7919) % 100000, 100 + (g * 37) % 50000, (ARRAY['paid', 'shipped', 'refunded'])[1 + g % 3],
       '2026-01-01'::timestamptz + g * interval '30 seconds'
FROM generate_series(1, 1000000) g;
CREATE INDEX orders_customer_id_idx ON orders (customer_id);
VACUUM ANALYZE;
"""  # noqa: E501 (SQL kept as the recording ran it)

# Every customer's orders and spend since a date, biggest spenders first (the account managers' export).
SPEND_REPORT = """\\set days random(15, 25)
SELECT customer_id, count(*) AS orders, sum(amount_cents) AS spent
FROM orders WHERE created_at >= date '2026-01-01' + :days
GROUP BY customer_id ORDER BY spent DESC;
"""
CUSTOMER_PAGE = """\\set cid random(1, 100000)
SELECT id, amount_cents, status, created_at FROM orders WHERE customer_id = :cid ORDER BY created_at DESC LIMIT 20;
"""  # noqa: E501 (the statement as the server logged it)
REPORT_EXAMPLE = (
    "SELECT customer_id, count(*) AS orders, sum(amount_cents) AS spent FROM orders"
    " WHERE created_at >= date '2026-01-01' + 20 GROUP BY customer_id ORDER BY spent DESC"
)
FAULT, FIX = "SET work_mem = '4MB'", "SET work_mem = '64MB'"


def record(seconds: int, name: str) -> dict[str, object]:
    rec = Recorder(name, INCIDENT)
    rec.pgss_columns = PGSS_COLUMNS + ", temp_blks_read, temp_blks_written"
    rec.fresh_database()
    rec.execute_script(SCHEMA)
    rec.dump_schema("schema.sql")
    rec.execute(
        f'ALTER DATABASE "{rec.database}" {FAULT}', f'ALTER DATABASE "{rec.database}" SET log_temp_files = 0'
    )
    rec.log_statements(True)
    workload = {"spend_report": (SPEND_REPORT, 1), "customer_page": (CUSTOMER_PAGE, 9)}
    runs, logs = {}, {}
    rec.explain(REPORT_EXAMPLE, "explain_before.json")
    runs["before"], logs["before"] = rec.measure_phase("before", workload, clients=4, seconds=seconds, rate=6)
    rec.execute(f'ALTER DATABASE "{rec.database}" {FIX}')
    rec.explain(REPORT_EXAMPLE, "explain_after.json")
    runs["after"], logs["after"] = rec.measure_phase("after", workload, clients=4, seconds=seconds, rate=6)
    rec.log_statements(False)
    rec.execute(f'ALTER DATABASE "{rec.database}" RESET ALL')
    return write_measurements(rec, runs, logs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=30, help="pgbench -T for each phase")
    parser.add_argument("--name", default="work_mem", help="the database is incidents_db_<name>")
    args = parser.parse_args()
    print(json.dumps(record(args.seconds, args.name)))


if __name__ == "__main__":
    main()
