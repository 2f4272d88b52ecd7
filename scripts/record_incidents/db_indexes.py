"""Record the index incidents: a missing btree index, an expression index, and two shapes one index serves.

Each incident: fresh database, data, the injected fault (an index left out), a pgbench workload with
pg_stat_statements reset before it and the server log on, the evidence written, then the fix applied and
the same workload re-run for the `after:` figures.
Run: .venv/bin/python scripts/record_incidents/db_indexes.py [missing_index expression_index ...]
"""

from __future__ import annotations

import argparse
import json

from db_common import Recorder, write_measurements

ORDERS_SCHEMA = """
CREATE TABLE customers (
    id bigserial PRIMARY KEY,
    email text NOT NULL,
    name text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE orders (
    id bigserial PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers (id),
    status text NOT NULL,
    total_cents integer NOT NULL,
    created_at timestamptz NOT NULL
);
INSERT INTO customers (email, name, created_at)
SELECT 'user' || g || '@example.com', 'Customer ' || g, now() - g * interval '1 minute'
FROM generate_series(1, 50000) g;
INSERT INTO orders (customer_id, status, total_cents, created_at)
SELECT 1 + (g::bigint * 7919) % 50000, (ARRAY['paid', 'shipped', 'cancelled', 'refunded'])[1 + (g / 3) % 4],
       500 + (g * 31) % 20000, now() - (g % 100000) * interval '1 minute'
FROM generate_series(1, 800000) g;
VACUUM ANALYZE customers;
VACUUM ANALYZE orders;
"""

ORDERS_WORKLOAD = {
    "customer_orders": (
        "\\set cid random(1, 50000)\n"
        "SELECT id, status, total_cents, created_at FROM orders WHERE customer_id = :cid;\n",
        2,
    ),
    "order_by_id": (
        "\\set oid random(1, 800000)\n"
        "SELECT id, customer_id, status, total_cents, created_at FROM orders WHERE id = :oid;\n",
        5,
    ),
    "customer_by_id": (
        "\\set cid random(1, 50000)\nSELECT id, email, name FROM customers WHERE id = :cid;\n",
        3,
    ),
}

USERS_SCHEMA = """
CREATE TABLE users (
    id bigserial PRIMARY KEY,
    email text NOT NULL,
    display_name text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO users (email, display_name, created_at)
SELECT 'User' || g || '@Example.com', 'User ' || g, now() - g * interval '1 minute'
FROM generate_series(1, 400000) g;
CREATE INDEX users_email_idx ON users (email);
VACUUM ANALYZE users;
"""

USERS_WORKLOAD = {
    "login_lookup": (
        "\\set uid random(1, 400000)\n"
        "SELECT format('user%s@example.com', :uid::int) AS addr \\gset\n"
        "SELECT id, display_name FROM users WHERE lower(email) = :addr;\n",
        3,
    ),
    "user_by_id": (
        "\\set uid random(1, 400000)\nSELECT id, email, display_name FROM users WHERE id = :uid;\n",
        5,
    ),
}

EVENTS_SCHEMA = """
CREATE TABLE accounts (id bigserial PRIMARY KEY, name text NOT NULL);
CREATE TABLE events (
    id bigserial PRIMARY KEY,
    account_id bigint NOT NULL,
    kind text NOT NULL,
    payload text NOT NULL,
    created_at timestamptz NOT NULL
);
INSERT INTO accounts (name) SELECT 'account ' || g FROM generate_series(1, 20000) g;
INSERT INTO events (account_id, kind, payload, created_at)
SELECT 1 + (g::bigint * 104729) % 20000,
       (ARRAY['login', 'view', 'click', 'purchase', 'logout'])[1 + (g / 3) % 5], md5(g::text),
       now() - (g % 200000) * interval '10 seconds'
FROM generate_series(1, 800000) g;
VACUUM ANALYZE accounts;
VACUUM ANALYZE events;
"""

EVENTS_WORKLOAD = {
    "account_events": (
        "\\set aid random(1, 20000)\n"
        "SELECT id, kind, created_at FROM events WHERE account_id = :aid;\n",
        2,
    ),
    "account_purchases": (
        "\\set aid random(1, 20000)\n"
        "SELECT id, payload, created_at FROM events WHERE account_id = :aid AND kind = 'purchase';\n",
        2,
    ),
    "account_by_id": (
        "\\set aid random(1, 20000)\nSELECT id, name FROM accounts WHERE id = :aid;\n",
        4,
    ),
}


def record(
    name: str, incident_id: str, schema: str, workload: dict[str, tuple[str, int]], fix: list[str],
    explain_sql: str, seconds: int, protocol: str = "simple",
) -> dict[str, object]:
    """Record one incident: before (fault in place) and after (fix applied), the same workload each time."""
    rec = Recorder(name, incident_id)
    rec.fresh_database()
    rec.execute_script(schema)
    rec.explain(explain_sql, "explain_before.json")
    rec.log_statements(True)
    runs, logs = {}, {}
    for phase in ("before", "after"):
        if phase == "after":
            rec.execute(*fix)
            rec.explain(explain_sql, "explain_after.json")
        runs[phase], logs[phase] = rec.measure_phase(
            phase, workload, clients=4, seconds=seconds, rate=40, protocol=protocol
        )
        if phase == "before":
            rec.dump_schema("schema.sql")
    rec.log_statements(False)
    return write_measurements(rec, runs, logs)


LOG_SECONDS = 15
"""The expression-index incident keeps its server log as evidence (extended protocol: five lines a
statement), so its runs are shorter to keep the log under a megabyte."""

INCIDENTS = {
    "missing_index": lambda seconds: record(
        "missing_index", "db-orders-missing-index-pgbench", ORDERS_SCHEMA, ORDERS_WORKLOAD,
        ["CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id)", "ANALYZE orders"],
        "SELECT id, status, total_cents, created_at FROM orders WHERE customer_id = 4242", seconds or 30,
    ),
    "expression_index": lambda seconds: record(
        "expression_index", "db-users-lower-email-pgbench", USERS_SCHEMA, USERS_WORKLOAD,
        ["CREATE INDEX CONCURRENTLY users_lower_email_idx ON users (lower(email))", "ANALYZE users"],
        "SELECT id, display_name FROM users WHERE lower(email) = 'user4242@example.com'",
        seconds or LOG_SECONDS,
        protocol="extended",
    ),
    "composite_index": lambda seconds: record(
        "composite_index", "db-events-composite-index-pgbench", EVENTS_SCHEMA, EVENTS_WORKLOAD,
        [
            "CREATE INDEX CONCURRENTLY events_account_id_kind_idx ON events (account_id, kind)",
            "ANALYZE events",
        ],
        "SELECT id, payload, created_at FROM events WHERE account_id = 4242 AND kind = 'purchase'",
        seconds or 30,
    ),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("which", nargs="*", help=f"some of {', '.join(INCIDENTS)} (default: all)")
    seconds_help = f"pgbench -T per phase (default 30; {LOG_SECONDS} with a log)"
    parser.add_argument("--seconds", type=int, default=None, help=seconds_help)
    args = parser.parse_args()
    unknown = sorted(set(args.which) - set(INCIDENTS))
    if unknown:
        parser.error(f"unknown incident(s) {', '.join(unknown)}; choose from {', '.join(INCIDENTS)}")
    for key in args.which or list(INCIDENTS):
        print(key, json.dumps(INCIDENTS[key](args.seconds)))


if __name__ == "__main__":
    main()
