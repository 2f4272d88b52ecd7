"""Record the per-session incidents: pooled connections that are NOT an N+1, and a real N+1 in a transaction.

`pool`: four pgbench clients stand for a connection pool; every transaction is one unrelated autocommit
statement (product page, stock check, cart count), so one connection runs the same primary-key lookup many
times in a row for different requests. Nothing is injected: every statement is indexed and fast.

`n_plus_one`: an order page reads its 50 order_items, then (BEGIN ... COMMIT, one transaction) looks up
each item's product by id, one SELECT per item: the injected fault. Fix: one batched SELECT ... WHERE id
IN (...) for the 50 products, re-run with the same order ids. Other clients run single-statement traffic.
Run: .venv/bin/python scripts/record_incidents/db_sessions.py [pool] [n_plus_one] [--seconds N]
"""

from __future__ import annotations

import argparse
import json

from db_common import Recorder, write_measurements

ITEMS_PER_ORDER = 50
PRODUCTS = 20000
ORDERS = 5000
DEFAULT_SECONDS = {"pool": 20, "n_plus_one": 10}
"""Short runs: the server log is the evidence, and 54 statements an order page fill it fast."""

SCHEMA = f"""
CREATE TABLE products (
    id bigserial PRIMARY KEY,
    sku text NOT NULL UNIQUE,
    name text NOT NULL,
    price_cents integer NOT NULL,
    stock integer NOT NULL
);
CREATE TABLE carts (id bigserial PRIMARY KEY, user_id bigint NOT NULL, product_id bigint NOT NULL
    REFERENCES products (id), quantity integer NOT NULL);
CREATE INDEX carts_user_id_idx ON carts (user_id);
CREATE TABLE orders (id bigserial PRIMARY KEY, user_id bigint NOT NULL, created_at timestamptz NOT NULL);
CREATE TABLE order_items (
    id bigserial PRIMARY KEY,
    order_id bigint NOT NULL REFERENCES orders (id),
    product_id bigint NOT NULL REFERENCES products (id),
    quantity integer NOT NULL
);
CREATE INDEX order_items_order_id_idx ON order_items (order_id);
INSERT INTO products (sku, name, price_cents, stock)
SELECT 'SKU-' || g, 'Product ' || g, 100 + (g * 37) % 10000, g % 500 FROM generate_series(1, {PRODUCTS}) g;
INSERT INTO carts (user_id, product_id, quantity)
SELECT 1 + g % 30000, 1 + (g * 13) % {PRODUCTS}, 1 + g % 3 FROM generate_series(1, 90000) g;
INSERT INTO orders (user_id, created_at)
SELECT 1 + g % 30000, now() - g * interval '1 minute' FROM generate_series(1, {ORDERS}) g;
INSERT INTO order_items (order_id, product_id, quantity)
SELECT o, 1 + (o * {ITEMS_PER_ORDER} + k) % {PRODUCTS}, 1 + k % 4
FROM generate_series(1, {ORDERS}) o, generate_series(0, {ITEMS_PER_ORDER - 1}) k;
VACUUM ANALYZE products;
VACUUM ANALYZE carts;
VACUUM ANALYZE orders;
VACUUM ANALYZE order_items;
"""

SINGLE_STATEMENT = {
    "product_page": (
        "\\set pid random(1, 20000)\nSELECT id, sku, name, price_cents FROM products WHERE id = :pid;\n",
        6,
    ),
    "stock_check": (
        "\\set pid random(1, 20000)\nSELECT stock FROM products WHERE id = :pid;\n",
        2,
    ),
    "cart_count": (
        "\\set uid random(1, 30000)\nSELECT count(*) FROM carts WHERE user_id = :uid;\n",
        2,
    ),
}


def _order_page(batched: bool) -> str:
    """The order page: its items, then each item's product (one by one, or in one IN list)."""
    lines = [
        f"\\set oid random(1, {ORDERS})",
        "BEGIN;",
        "SELECT id, user_id, created_at FROM orders WHERE id = :oid;",
        "SELECT product_id, quantity FROM order_items WHERE order_id = :oid ORDER BY id;",
    ]
    for k in range(ITEMS_PER_ORDER):
        lines.append(f"\\set p{k} 1 + (:oid * {ITEMS_PER_ORDER} + {k}) % {PRODUCTS}")
    if batched:
        ids = ", ".join(f":p{k}" for k in range(ITEMS_PER_ORDER))
        lines.append(f"SELECT id, name, price_cents FROM products WHERE id IN ({ids});")
    else:
        lines += [
            f"SELECT id, name, price_cents FROM products WHERE id = :p{k};" for k in range(ITEMS_PER_ORDER)
        ]
    lines.append("COMMIT;")
    return "\n".join(lines) + "\n"


def record_pool(seconds: int) -> dict[str, object]:
    rec = Recorder("pool", "db-pooled-sessions-not-n-plus-one")
    rec.fresh_database()
    rec.execute_script(SCHEMA)
    rec.dump_schema("schema.sql")
    rec.log_statements(True)
    rec.reset_pg_stat_statements()
    offset = rec.log_offset()
    run = rec.pgbench(SINGLE_STATEMENT, clients=4, seconds=seconds, rate=80)
    log = rec.cut_server_log(offset, "postgresql.log")
    rec.export_pg_stat_statements("pg_stat_statements.csv")
    rec.log_statements(False)
    return write_measurements(rec, {"baseline": run}, {"baseline": log})


def record_n_plus_one(seconds: int) -> dict[str, object]:
    rec = Recorder("n_plus_one", "db-order-page-n-plus-one-pglog")
    rec.fresh_database()
    rec.execute_script(SCHEMA)
    rec.dump_schema("schema.sql")
    rec.log_statements(True)
    runs, logs = {}, {}
    for phase in ("before", "after"):
        workload = {**SINGLE_STATEMENT, "order_page": (_order_page(batched=phase == "after"), 3)}
        runs[phase], logs[phase] = rec.measure_phase(phase, workload, clients=4, seconds=seconds, rate=20)
        suffix = "" if phase == "before" else "_after"
        rec.write(f"order_page{suffix}.pgbench.sql", workload["order_page"][0])
    rec.log_statements(False)
    return write_measurements(rec, runs, logs)


INCIDENTS = {"pool": record_pool, "n_plus_one": record_n_plus_one}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("which", nargs="*", help=f"some of {', '.join(INCIDENTS)} (default: all)")
    parser.add_argument("--seconds", type=int, default=None, help=f"pgbench -T per phase ({DEFAULT_SECONDS})")
    args = parser.parse_args()
    unknown = sorted(set(args.which) - set(INCIDENTS))
    if unknown:
        parser.error(f"unknown incident(s) {', '.join(unknown)}; choose from {', '.join(INCIDENTS)}")
    for key in args.which or list(INCIDENTS):
        print(key, json.dumps(INCIDENTS[key](args.seconds or DEFAULT_SECONDS[key])))


if __name__ == "__main__":
    main()
