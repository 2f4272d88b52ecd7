"""Record a real PostgreSQL 15 statement log with pgbench on a private server (does not import perfpilot).

A throwaway cluster is created with initdb under /tmp and started with pg_ctl on 127.0.0.1 (port 19151 by
default, in this script's range 19150-19199), its stderr going to a log file (logging_collector off) with
`log_line_prefix = '%m [%p] %q%u@%d '` (the Debian default, which pgBadger reads with `--prefix`). The shop
schema is loaded with logging off; then `ALTER DATABASE shop SET log_min_duration_statement = 0` makes
every statement of the workload's sessions log its `duration: ... statement: ...` line. pgbench runs
custom scripts with random literals (fingerprinting must fold them): point reads, IN lists of two lengths,
strings, a multi-line join, a transaction, an insert with a decimal, a comment-prefixed read, and the same
read written in two spellings (case and spaces). A second, smaller pgbench phase uses the extended
protocol (`-M prepared`: `execute <name>:` lines with `$n` placeholders). The server is stopped and the
cluster removed at the end; the log is copied to --out.

    .venv/bin/python scripts/record_pg_log.py --out tests/fixtures/workload/postgres_pgbench.log \
        --transactions 150
    .venv/bin/python scripts/record_pg_log.py --out benchmarks/.data/pg-1000000.log --statements 1000000

As root, initdb/pg_ctl run as the `postgres` user (runuser); the server's own configuration is untouched.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
PREFIX = "%m [%p] %q%u@%d "
DATABASE = "shop"
USER = "perfpilot"

SERVER_SETTINGS = f"""
listen_addresses = '127.0.0.1'
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = '64MB'
log_line_prefix = '{PREFIX}'
log_min_duration_statement = -1
log_checkpoints = on
"""

SCHEMA = """
CREATE TABLE customers (id integer PRIMARY KEY, email text NOT NULL, balance numeric NOT NULL);
INSERT INTO customers SELECT g, 'user' || g || '@example.com', (g % 500) - 100
  FROM generate_series(1, 20000) AS g;
CREATE TABLE products (id integer PRIMARY KEY, name text NOT NULL, category text NOT NULL,
                       price numeric NOT NULL, stock integer NOT NULL);
INSERT INTO products SELECT g, 'product ' || g, (ARRAY['books', 'games', 'tools', 'food'])[1 + g % 4],
  1 + (g % 97), 1000000 FROM generate_series(1, 5000) AS g;
CREATE TABLE orders (id serial PRIMARY KEY, customer_id integer NOT NULL, total numeric NOT NULL,
                     status text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
INSERT INTO orders (customer_id, total, status, created_at)
  SELECT 1 + g % 20000, g % 300, (ARRAY['new', 'paid', 'shipped'])[1 + g % 3],
         now() - (g % 1000) * interval '1 hour' FROM generate_series(1, 100000) AS g;
CREATE INDEX ON orders (customer_id);
CREATE TABLE order_items (order_id integer NOT NULL, product_id integer NOT NULL, quantity integer NOT NULL);
INSERT INTO order_items SELECT 1 + g % 100000, 1 + g % 5000, 1 + g % 7 FROM generate_series(1, 200000) AS g;
CREATE INDEX ON order_items (order_id);
VACUUM ANALYZE;
"""

# name: (pgbench script, weight, statements per transaction)
SCRIPTS: dict[str, tuple[str, int, int]] = {
    "customer": (
        "\\set cid random(1, 20000)\nSELECT id, email, balance FROM customers WHERE id = :cid;\n", 20, 1
    ),
    "customer_lower": (
        "\\set cid random(1, 20000)\nselect id, email, balance from customers where id=:cid;\n", 5, 1
    ),
    "orders": (
        "\\set cid random(1, 20000)\n"
        "SELECT id, total, status FROM orders WHERE customer_id = :cid ORDER BY created_at DESC LIMIT 20;\n",
        15, 1,
    ),
    "products_in3": (
        "\\set a random(1, 5000)\n\\set b random(1, 5000)\n\\set c random(1, 5000)\n"
        "SELECT id, name, price FROM products WHERE id IN (:a, :b, :c);\n",
        8, 1,
    ),
    "products_in5": (
        "\\set a random(1, 5000)\n\\set b random(1, 5000)\n\\set c random(1, 5000)\n"
        "\\set d random(1, 5000)\n\\set e random(1, 5000)\n"
        "SELECT id, name, price FROM products WHERE id IN (:a, :b, :c, :d, :e);\n",
        4, 1,
    ),
    "by_email": (
        "\\set cid random(1, 20000)\nSELECT id FROM customers WHERE email = 'user:cid@example.com';\n", 6, 1
    ),
    "status_count": (
        "\\set h random(1, 900)\n"
        "SELECT count(*) FROM orders WHERE status = 'paid' AND created_at > now() - interval ':h hours';\n",
        2, 1,
    ),
    "category_sales": (
        "\\set lo random(1, 99000)\n"
        "SELECT p.category, sum(i.quantity) AS sold\n"
        "  FROM order_items i JOIN products p ON p.id = i.product_id\n"
        "  WHERE i.order_id BETWEEN :lo AND :lo + 500\n"
        "  GROUP BY p.category ORDER BY 2 DESC LIMIT 5;\n",
        3, 1,
    ),
    "checkout": (
        "\\set cid random(1, 20000)\n\\set pid random(1, 5000)\n\\set q random(1, 5)\n\\set neg -:q\n"
        "BEGIN;\n"
        "UPDATE products SET stock = stock - :q WHERE id = :pid;\n"
        "INSERT INTO orders (customer_id, total, status) VALUES (:cid, :q * 9.99, 'new');\n"
        "UPDATE customers SET balance = balance + :neg WHERE id = :cid;\n"
        "COMMIT;\n",
        4, 5,
    ),
    "tagged": (
        "\\set cid random(1, 20000)\n"
        "/* app=shop route=account */ SELECT count(*) FROM orders WHERE customer_id = :cid;\n",
        5, 1,
    ),
    "big_items": (
        "\\set q random(5, 7)\nSELECT count(*) FROM order_items WHERE quantity >= :q;\n", 1, 1
    ),
}
PREPARED = ("customer", "orders", "products_in3", "checkout")  # the extended-protocol phase


def _as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _run(command: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(f"record_pg_log: {command[0]} failed ({done.returncode}): {done.stderr[-2000:]}")
    return done


class PrivateServer:
    """An initdb'd cluster under /tmp, started with pg_ctl on 127.0.0.1:port, removed on stop."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.home = Path(tempfile.mkdtemp(prefix="perfpilot-pglog-", dir="/tmp"))
        self.data = self.home / "data"
        self.log = self.home / "server.log"
        os.chmod(self.home, 0o777)

    def start(self) -> None:
        _run(_as_postgres([str(PG_BIN / "initdb"), "-D", str(self.data), "-U", USER, "-A", "trust",
                           "--no-sync", "-E", "UTF8", "--locale", "C"]))
        with (self.data / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write(SERVER_SETTINGS + f"port = {self.port}\nunix_socket_directories = '{self.home}'\n")
        _run(_as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w",
                           "start"]))

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            subprocess.run(_as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast",
                                         "-w", "stop"]), check=False, capture_output=True)

    def remove(self) -> None:
        shutil.rmtree(self.home, ignore_errors=True)

    def env(self) -> dict[str, str]:
        return {**os.environ, "PGHOST": "127.0.0.1", "PGPORT": str(self.port), "PGUSER": USER}

    def psql(self, database: str, sql: str) -> None:
        _run([str(PG_BIN / "psql"), "-v", "ON_ERROR_STOP=1", "-qAt", "-d", database, "-c", sql],
             env=self.env())

    def pgbench(self, transactions: int, clients: int, protocol: str, names: tuple[str, ...]) -> str:
        args = [str(PG_BIN / "pgbench"), "-n", "-M", protocol, "-c", str(clients), "-j", "1",
                "-t", str(transactions)]
        with tempfile.TemporaryDirectory(prefix="perfpilot-pglog-scripts-") as tmp:
            for name in names:
                text, weight, _ = SCRIPTS[name]
                path = Path(tmp) / f"{name}.sql"
                path.write_text(text, encoding="utf-8")
                args += ["-f", f"{path}@{weight}"]
            return _run([*args, DATABASE], env=self.env()).stdout


def statements_per_transaction(names: tuple[str, ...]) -> float:
    total = sum(SCRIPTS[n][1] for n in names)
    return sum(SCRIPTS[n][1] * SCRIPTS[n][2] for n in names) / total


def record(out: Path, transactions: int, clients: int, port: int) -> None:
    """Run both pgbench phases (simple: `transactions` per client; prepared: a tenth) and copy the log."""
    server = PrivateServer(port)
    try:
        server.start()
        server.psql("postgres", f"CREATE DATABASE {DATABASE}")
        for statement in (part.strip() for part in SCHEMA.split(";\n") if part.strip()):
            server.psql(DATABASE, statement)
        server.psql("postgres", f"ALTER DATABASE {DATABASE} SET log_min_duration_statement = 0")
        started = time.monotonic()
        report = server.pgbench(transactions, clients, "simple", tuple(SCRIPTS))
        report += server.pgbench(max(1, transactions // 10), clients, "prepared", PREPARED)
        print(f"record_pg_log: pgbench took {time.monotonic() - started:.0f} s")
        print("\n".join(line for line in report.splitlines() if line.startswith(("tps", "number of tr"))))
    finally:
        server.stop()
        if server.log.exists():
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(server.log, out)
        server.remove()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, required=True)
    size = parser.add_mutually_exclusive_group(required=True)
    size.add_argument("--transactions", type=int, help="simple-protocol transactions per client")
    size.add_argument("--statements", type=int, help="about this many logged statements in all")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--port", type=int, default=19151)
    args = parser.parse_args(argv)
    if not 19150 <= args.port <= 19199:
        parser.error("--port must be in 19150-19199 (this script's range)")
    transactions = args.transactions
    if transactions is None:  # simple phase + a tenth as many prepared transactions
        per_client = args.statements / args.clients
        simple = statements_per_transaction(tuple(SCRIPTS))
        prepared = statements_per_transaction(PREPARED)
        transactions = max(1, round(per_client / (simple + prepared / 10)))
    record(args.out, transactions, args.clients, args.port)


if __name__ == "__main__":
    main()
