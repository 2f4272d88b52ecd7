"""Record the healthy incident: the orders database of db_indexes.py with every hot filter indexed.

Nothing is injected and nothing is changed: the same tables and pgbench mix as the missing-index incident,
with orders (customer_id) indexed from the start. The measured latency baseline is pgbench's per-transaction
log and the server log's statement durations. Run: .venv/bin/python scripts/record_incidents/db_healthy.py
"""

from __future__ import annotations

import argparse
import json

from db_common import Recorder, write_measurements
from db_indexes import ORDERS_SCHEMA, ORDERS_WORKLOAD

INDEXES = "CREATE INDEX orders_customer_id_idx ON orders (customer_id);\nANALYZE orders;\n"


def record(seconds: int) -> dict[str, object]:
    rec = Recorder("healthy", "db-orders-healthy-baseline")
    rec.fresh_database()
    rec.execute_script(ORDERS_SCHEMA + INDEXES)
    rec.dump_schema("schema.sql")
    rec.log_statements(True)
    rec.reset_pg_stat_statements()
    offset = rec.log_offset()
    run = rec.pgbench(ORDERS_WORKLOAD, clients=4, seconds=seconds, rate=40)
    log = rec.cut_server_log(offset, "postgresql.log")
    rec.export_pg_stat_statements("pg_stat_statements.csv")
    rec.log_statements(False)
    return write_measurements(rec, {"baseline": run}, {"baseline": log})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=30, help="pgbench -T")
    print(json.dumps(record(parser.parse_args().seconds)))


if __name__ == "__main__":
    main()
