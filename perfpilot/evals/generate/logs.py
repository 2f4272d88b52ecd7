"""Text logs as servers write them: nginx access logs, PostgreSQL server logs, MySQL slow logs."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime

from perfpilot.evals.generate.traffic import Traffic

AGENTS = ("k6/1.1.0 (https://k6.io/)", "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/132.0")


def nginx_access_log(traffic: Traffic, start: datetime, seed: int, cache_header: bool = False) -> str:
    """log_format combined plus $request_time (and $upstream_cache_status when the edge caches)."""
    rng = random.Random(seed)
    lines = []
    for s in traffic.samples:
        stamp = datetime.fromtimestamp(start.timestamp() + s.offset_s, UTC).strftime(
            "%d/%b/%Y:%H:%M:%S +0000"
        )
        ip = f"203.0.113.{rng.randint(2, 250)}"
        size = rng.randint(300, 24000)
        line = (
            f'{ip} - - [{stamp}] "{s.route.method} {s.route.path(rng)} HTTP/1.1" {s.status} {size} "-" '
            f'"{rng.choice(AGENTS)}" {s.duration_ms / 1000:.3f}'
        )
        if cache_header:
            line += f' "{"HIT" if s.duration_ms < 20 else "MISS"}"'
        lines.append(line)
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Statement:
    """A statement a workload runs: SQL with placeholders, calls, and the mean time per call (ms)."""

    sql: str
    calls: int
    mean_ms: float
    rows: int = 1

    def literal(self, rng: random.Random) -> str:
        text = self.sql
        n = 1
        while f"${n}" in text:
            text = text.replace(f"${n}", str(rng.randint(1, 250_000)), 1)
            n += 1
        return text.replace("?", str(rng.randint(1, 250_000)))


def pg_stat_statements_csv(statements: list[Statement], seed: int) -> str:
    """`\\copy (SELECT ... FROM pg_stat_statements) TO ... CSV HEADER` of the usual columns."""
    rng = random.Random(seed)
    lines = ["userid,dbid,queryid,query,calls,total_exec_time,mean_exec_time,stddev_exec_time,rows"]
    for st in sorted(statements, key=lambda s: -s.calls * s.mean_ms):
        query = st.sql.replace('"', '""')
        total = st.calls * st.mean_ms
        lines.append(
            f'16384,16385,{rng.randint(-(2**62), 2**62)},"{query}",{st.calls},{total:.4f},{st.mean_ms:.4f},'
            f"{st.mean_ms * 0.3:.4f},{st.calls * st.rows}"
        )
    return "\n".join(lines) + "\n"


def postgres_log(statements: list[Statement], start: datetime, seed: int, user: str, db: str) -> str:
    """log_min_duration_statement = 0 with log_line_prefix = '%m [%p] %q%u@%d '."""
    rng = random.Random(seed)
    events = []
    for st in statements:
        for _ in range(st.calls):
            events.append((rng.uniform(0, 60), st))
    events.sort(key=lambda e: e[0])
    lines = []
    for offset, st in events:
        stamp = datetime.fromtimestamp(start.timestamp() + offset, UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
        duration = st.mean_ms * rng.uniform(0.7, 1.3)
        lines.append(
            f"{stamp} UTC [{rng.randint(20000, 20040)}] {user}@{db} LOG:  duration: {duration:.3f} ms  "
            f"statement: {st.literal(rng)}"
        )
    return "\n".join(lines) + "\n"


def mysql_slow_log(statements: list[Statement], start: datetime, seed: int, user: str, db: str) -> str:
    """slow_query_log with long_query_time = 0, as mysqld 8.0 writes it."""
    rng = random.Random(seed)
    out = [
        "/usr/sbin/mysqld, Version: 8.0.36 (MySQL Community Server - GPL). started with:",
        "Tcp port: 3306  Unix socket: /var/run/mysqld/mysqld.sock",
        "Time                 Id Command    Argument",
    ]
    events = sorted(
        ((rng.uniform(0, 60), st) for st in statements for _ in range(st.calls)), key=lambda e: e[0]
    )
    current_db = None
    for offset, st in events:
        when = start.timestamp() + offset
        stamp = datetime.fromtimestamp(when, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        seconds = st.mean_ms * rng.uniform(0.7, 1.3) / 1000
        out += [
            f"# Time: {stamp}",
            f"# User@Host: {user}[{user}] @ app-1 [10.0.1.{rng.randint(10, 40)}]  "
            f"Id: {rng.randint(100, 180):>5}",
            f"# Query_time: {seconds:.6f}  Lock_time: 0.000004 Rows_sent: {st.rows}  "
            f"Rows_examined: {st.rows if st.mean_ms < 5 else rng.randint(400000, 900000)}",
        ]
        if current_db != db:
            out.append(f"use {db};")
            current_db = db
        out += [f"SET timestamp={int(when)};", f"{st.literal(rng).replace('$', '')};"]
    return "\n".join(out) + "\n"
