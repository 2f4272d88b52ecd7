"""Record the lock-contention incident: every order holds the warehouse's stock row while the client works.

Injected fault: an order transaction updates the one `stock_totals` row of its warehouse first and then
spends ~20 ms of client-side work (pgbench `\\sleep`) before inserting the order and committing, so the
row lock is held for the whole transaction and eight clients queue behind each other on that one row.
Nothing is slow on its own: every statement has the index it needs and the plans are trivial. The server
logs the waits (`log_lock_waits = on`, `deadlock_timeout = 50ms`, set on the database as a DBA would).
Fix: take the hot row last (insert the order and do the work first, update the total just before COMMIT),
so the lock is held for microseconds. The after-state runs the fixed transaction with the same clients.
Run: .venv/bin/python scripts/record_incidents/db_locks.py [--seconds 20]
"""

from __future__ import annotations

import argparse
import json

from db_common import Recorder, write_measurements

SCHEMA = """
CREATE TABLE warehouses (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE stock_totals (warehouse_id int PRIMARY KEY REFERENCES warehouses (id), reserved bigint NOT NULL);
CREATE TABLE products (id bigint PRIMARY KEY, name text NOT NULL, price_cents int NOT NULL);
CREATE TABLE orders (
    id bigserial PRIMARY KEY,
    product_id bigint NOT NULL REFERENCES products (id),
    warehouse_id int NOT NULL REFERENCES warehouses (id),
    created_at timestamptz NOT NULL
);
CREATE INDEX orders_product_id_idx ON orders (product_id);
INSERT INTO warehouses SELECT g, 'warehouse ' || g FROM generate_series(1, 2) g;
INSERT INTO stock_totals SELECT id, 0 FROM warehouses;
INSERT INTO products SELECT g, 'product ' || g, 100 + g % 5000 FROM generate_series(1, 20000) g;
VACUUM ANALYZE;
"""

# Most orders ship from the main warehouse (1): its stock row is the hot one.
PLACE_ORDER_FAULTY = """\\set pid random(1, 20000)
\\set wid random(1, 10)
BEGIN;
UPDATE stock_totals SET reserved = reserved + 1 WHERE warehouse_id = CASE WHEN :wid = 10 THEN 2 ELSE 1 END;
\\sleep 20 ms
INSERT INTO orders (product_id, warehouse_id, created_at)
VALUES (:pid, CASE WHEN :wid = 10 THEN 2 ELSE 1 END, now());
COMMIT;
"""
PLACE_ORDER_FIXED = """\\set pid random(1, 20000)
\\set wid random(1, 10)
BEGIN;
INSERT INTO orders (product_id, warehouse_id, created_at)
VALUES (:pid, CASE WHEN :wid = 10 THEN 2 ELSE 1 END, now());
\\sleep 20 ms
UPDATE stock_totals SET reserved = reserved + 1 WHERE warehouse_id = CASE WHEN :wid = 10 THEN 2 ELSE 1 END;
COMMIT;
"""
PRODUCT_PAGE = """\\set pid random(1, 20000)
SELECT id, name, price_cents FROM products WHERE id = :pid;
"""
LOCK_LOGGING = ("SET log_lock_waits = on", "SET deadlock_timeout = '50ms'")


def record(seconds: int) -> dict[str, object]:
    rec = Recorder("lock_contention", "db-orders-hot-row-lock-waits-pgbench")
    rec.fresh_database()
    rec.execute_script(SCHEMA)
    rec.dump_schema("schema.sql")
    for setting in LOCK_LOGGING:
        rec.execute(f'ALTER DATABASE "{rec.database}" {setting}')
    rec.log_statements(True)
    runs, logs = {}, {}
    for phase, place_order in (("before", PLACE_ORDER_FAULTY), ("after", PLACE_ORDER_FIXED)):
        workload = {"place_order": (place_order, 1), "product_page": (PRODUCT_PAGE, 1)}
        runs[phase], logs[phase] = rec.measure_phase(phase, workload, clients=8, seconds=seconds)
    rec.log_statements(False)
    rec.execute(f'ALTER DATABASE "{rec.database}" RESET ALL')
    return write_measurements(rec, runs, logs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=20, help="pgbench -T for each phase")
    print(json.dumps(record(parser.parse_args().seconds)))


if __name__ == "__main__":
    main()
