"""Shared steps for recording database incidents from the local PostgreSQL 15 (does not import perfpilot).

Each incident gets a fresh database `incidents_db_<name>`; workloads are pgbench custom scripts; the
evidence kept is what the real components wrote: the server log (cut to this database's lines), a
pg_stat_statements CSV export, EXPLAIN (FORMAT JSON) plans, `pg_dump --schema-only`, and pgbench's own
report and per-transaction latencies.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from db_server_times import transaction_times_ms

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
SERVER_LOG = Path(os.environ.get("PG_SERVER_LOG", "/var/log/postgresql/postgresql-15-main.log"))
HOST, PORT = os.environ.get("PGHOST", "127.0.0.1"), os.environ.get("PGPORT", "5432")
USER, PASSWORD = os.environ.get("PGUSER", "perfpilot"), os.environ.get("PGPASSWORD", "perfpilot")
ADMIN_DB = os.environ.get("PG_ADMIN_DB", "perfpilot_test")
PREFIX = "incidents_db_"
REPO = Path(__file__).resolve().parents[2]
INCIDENTS = REPO / "perfpilot" / "evals" / "incidents"
PGSS_COLUMNS = (
    "userid, dbid, queryid, query, calls, total_exec_time, mean_exec_time, stddev_exec_time, rows,"
    " shared_blks_hit, shared_blks_read"
)


def dsn(database: str) -> str:
    return f"host={HOST} port={PORT} user={USER} password={PASSWORD} dbname={database}"


def _env() -> dict[str, str]:
    return {**os.environ, "PGHOST": HOST, "PGPORT": PORT, "PGUSER": USER, "PGPASSWORD": PASSWORD}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[max(0, math.ceil(q * len(ordered)) - 1)], 3) if ordered else float("nan")


def latency_summary(values: list[float]) -> dict[str, float]:
    return {
        "transactions": len(values),
        "p50_ms": percentile(values, 0.5),
        "p95_ms": percentile(values, 0.95),
        "p99_ms": percentile(values, 0.99),
    }


@dataclass
class PgbenchRun:
    """pgbench's printed report and the latency (ms) of every transaction it logged (-l), per script."""

    report: str
    latencies_ms: dict[str, list[float]]

    def summary(self) -> dict[str, object]:
        everything = [v for values in self.latencies_ms.values() for v in values]
        return {
            "overall": latency_summary(everything),
            **{name: latency_summary(values) for name, values in self.latencies_ms.items()},
        }


class Recorder:
    """One incident's database, its workload runs and the evidence files written into its folder."""

    pgss_columns = PGSS_COLUMNS
    """The pg_stat_statements columns exported (an incident may add some, e.g. temp_blks_written)."""

    def __init__(self, name: str, incident_id: str) -> None:
        self.database = PREFIX + name
        self.folder = INCIDENTS / incident_id
        self.folder.mkdir(parents=True, exist_ok=True)

    def fresh_database(self) -> None:
        """Drop (only our own, prefixed) database and create it again with pg_stat_statements."""
        assert self.database.startswith(PREFIX)
        with psycopg.connect(dsn(ADMIN_DB), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{self.database}"')
        self.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")

    def drop_database(self) -> None:
        with psycopg.connect(dsn(ADMIN_DB), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')

    def execute(self, *statements: str) -> None:
        """Each statement on its own in autocommit (VACUUM and CREATE INDEX CONCURRENTLY need that)."""
        with psycopg.connect(dsn(self.database), autocommit=True) as conn:
            for sql in statements:
                conn.execute(sql)  # type: ignore[call-overload]

    def execute_script(self, script: str) -> None:
        """A script of statements ending in ';' at a line end (our own scripts: no ';' inside literals)."""
        self.execute(*(part.strip() for part in script.split(";\n") if part.strip()))

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        with psycopg.connect(dsn(self.database), autocommit=True) as conn:
            return conn.execute(sql).fetchall()  # type: ignore[call-overload]

    def log_statements(self, on: bool) -> None:
        """log_min_duration_statement = 0 for new sessions of this database only (RESET when off)."""
        value = "SET log_min_duration_statement = 0" if on else "RESET log_min_duration_statement"
        with psycopg.connect(dsn(ADMIN_DB), autocommit=True) as conn:
            conn.execute(f'ALTER DATABASE "{self.database}" {value}')  # type: ignore[call-overload]

    def reset_pg_stat_statements(self) -> None:
        """Reset only this database's entries (userid 0 = any, queryid 0 = any)."""
        self.execute(
            "SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database"
            " WHERE datname = current_database()), 0)"
        )

    def export_pg_stat_statements(self, filename: str) -> Path:
        """What `\\copy (SELECT ... FROM pg_stat_statements ...) TO file CSV HEADER` writes."""
        sql = (
            f"COPY (SELECT {self.pgss_columns} FROM pg_stat_statements"
            " WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())"
            " AND query NOT ILIKE '%pg_stat_statements%'"
            " ORDER BY total_exec_time DESC) TO STDOUT WITH (FORMAT csv, HEADER)"
        )
        buffer = io.BytesIO()
        with (
            psycopg.connect(dsn(self.database), autocommit=True) as conn,
            conn.cursor() as cur,
            cur.copy(sql) as copy,  # type: ignore[arg-type]
        ):
            for chunk in copy:
                buffer.write(chunk)
        path = self.folder / filename
        path.write_bytes(buffer.getvalue())
        return path

    def explain(self, sql: str, filename: str) -> dict[str, Any]:
        """EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) of one statement, written as the server printed it."""
        rows = self.query(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}")
        plan = rows[0][0]
        (self.folder / filename).write_text(json.dumps(plan, indent=2) + "\n", encoding="utf-8")
        return plan[0]  # type: ignore[no-any-return]

    def dump_schema(self, filename: str = "schema.sql") -> Path:
        path = self.folder / filename
        out = subprocess.run(
            [str(PG_BIN / "pg_dump"), "--schema-only", self.database],
            env=_env(), check=True, capture_output=True, text=True,
        )
        path.write_text(out.stdout, encoding="utf-8")
        return path

    def log_offset(self) -> int:
        return SERVER_LOG.stat().st_size

    def cut_server_log(self, offset: int, filename: str | None) -> str:
        """This database's lines of the server log written since `offset` (with their continuation lines),
        written to `filename` in the incident folder unless it is None."""
        with SERVER_LOG.open("rb") as handle:
            handle.seek(offset)
            text = handle.read().decode("utf-8", errors="replace")
        marker = f"@{self.database} "
        kept: list[str] = []
        keeping = False
        for line in text.splitlines(keepends=True):
            if line.startswith("\t"):
                if keeping:
                    kept.append(line)
                continue
            keeping = marker in line
            if keeping:
                kept.append(line)
        text = "".join(kept)
        if filename is not None:
            (self.folder / filename).write_text(text, encoding="utf-8")
        return text

    def pgbench(
        self, scripts: dict[str, tuple[str, int]], clients: int, seconds: int, rate: float | None = None,
        protocol: str = "simple",
    ) -> PgbenchRun:
        """Run pgbench with custom scripts {name: (text, weight)}; -l logs every transaction's latency."""
        with tempfile.TemporaryDirectory(prefix="incidents-db-") as tmp:
            work = Path(tmp)
            args = [str(PG_BIN / "pgbench"), "-n", "-M", protocol, "-c", str(clients), "-j", "1",
                    "-T", str(seconds), "-r", "-l", "--log-prefix", str(work / "tx")]
            if rate:
                args += ["-R", str(rate)]
            for name, (text, weight) in scripts.items():
                script = work / f"{name}.sql"
                script.write_text(text, encoding="utf-8")
                args += ["-f", f"{script}@{weight}"]
            out = subprocess.run(
                [*args, self.database], env=_env(), check=True, capture_output=True, text=True
            )
            names = list(scripts)
            latencies: dict[str, list[float]] = {name: [] for name in names}
            for log in work.glob("tx*"):  # client_id transaction_no time_us script_no epoch epoch_us [lag]
                for row in log.read_text(encoding="utf-8").splitlines():
                    fields = row.split()
                    if len(fields) >= 6 and fields[2].isdigit():
                        latencies[names[int(fields[3])]].append(int(fields[2]) / 1000)
        report = out.stdout.replace(str(work) + "/", "")
        return PgbenchRun(report=report, latencies_ms=latencies)

    def measure_phase(
        self, phase: str, scripts: dict[str, tuple[str, int]], **pgbench: Any
    ) -> tuple[PgbenchRun, str]:
        """One phase's pgbench run with its pg_stat_statements export (`_after` suffix after the fix) and
        its server log; only the before-state's log is kept as evidence (the after-state's is measured)."""
        self.reset_pg_stat_statements()
        offset = self.log_offset()
        run = self.pgbench(scripts, **pgbench)
        log = self.cut_server_log(offset, "postgresql.log" if phase == "before" else None)
        self.export_pg_stat_statements(f"pg_stat_statements{'' if phase == 'before' else '_after'}.csv")
        return run, log

    def write(self, filename: str, text: str) -> Path:
        path = self.folder / filename
        path.write_text(text, encoding="utf-8")
        return path


def write_measurements(
    recorder: Recorder, runs: dict[str, PgbenchRun], server_logs: dict[str, str]
) -> dict[str, dict[str, object]]:
    """pgbench.txt (the printed reports) and measurements.json: per run, pgbench's latency percentiles
    (overall and per script, from the client) and, under "server", those of the transaction times the
    server log shows (db_server_times)."""
    text = "".join(f"== {name}\n{run.report}\n" for name, run in runs.items())
    recorder.write("pgbench.txt", text)
    figures: dict[str, dict[str, object]] = {name: run.summary() for name, run in runs.items()}
    for name, log_text in server_logs.items():
        figures[name]["server"] = latency_summary(transaction_times_ms(log_text))
    recorder.write("measurements.json", json.dumps(figures, indent=2, sort_keys=True) + "\n")
    return figures


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))
