"""Digest benchmark: perfpilot vs pt-query-digest on a generated MySQL slow log (speed, RSS, top-10)."""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.sections import cpu_model, replace_generated

HEADER = (
    "/usr/sbin/mysqld, Version: 8.0.36 (MySQL Community Server - GPL). started with:\n"
    "Tcp port: 3306  Unix socket: /var/run/mysqld/mysqld.sock\n"
    "Time                 Id Command    Argument\n"
)

# Templates: {i} integer, {s} string, {in} IN-list of integers, {eq} '=' with or without spaces,
# {c} an optional leading comment. Each template is one query shape; its mean time in ms follows.
TEMPLATES: list[tuple[str, float]] = [
    ("{c}SELECT * FROM orders WHERE customer_id{eq}{i} ORDER BY created_at DESC LIMIT 20", 38.0),
    ("{c}SELECT id, name, price FROM products WHERE id IN ({in})", 4.0),
    (
        "SELECT oi.product_id, SUM(oi.quantity) FROM order_items oi JOIN orders o ON o.id = oi.order_id "
        "WHERE o.created_at > '{s}' GROUP BY oi.product_id ORDER BY 2 DESC LIMIT 10",
        420.0,
    ),
    ("{c}SELECT * FROM customers WHERE email{eq}'{s}@example.com'", 22.0),
    ("UPDATE inventory SET stock = stock - {i} WHERE product_id{eq}{i}", 3.5),
    ("INSERT INTO order_items (order_id, product_id, quantity, price) VALUES ({i}, {i}, {i}, {i}.99)", 1.2),
    ("{c}SELECT COUNT(*) FROM orders WHERE status = '{s}'", 95.0),
    (
        "SELECT p.*, c.name AS category FROM products p LEFT JOIN categories c ON c.id = p.category_id "
        "WHERE p.name LIKE '%{s}%'",
        160.0,
    ),
    ("SELECT * FROM sessions WHERE token{eq}'{s}' AND expires_at > NOW()", 0.8),
    ("DELETE FROM cart_items WHERE cart_id = {i} AND product_id = {i}", 2.0),
    ("SELECT * FROM reviews WHERE product_id = {i} ORDER BY created_at DESC", 27.0),
    ("{c}SELECT id FROM users WHERE last_login < '{s}' AND active = 1", 310.0),
    ("UPDATE orders SET status = '{s}', updated_at = NOW() WHERE id = {i}", 2.4),
    ("SELECT o.id, o.total FROM orders o WHERE o.customer_id IN ({in}) AND o.status<>'{s}'", 12.0),
    ("INSERT INTO audit_log (actor, action, payload) VALUES ('{s}', '{s}', '{s}')", 0.9),
    ("SELECT SUM(total) FROM orders WHERE created_at BETWEEN '{s}' AND '{s}'", 650.0),
    ("SELECT * FROM shipments WHERE order_id={i}", 6.0),
    ("SELECT name FROM categories WHERE parent_id = {i}", 0.5),
    ("UPDATE customers SET last_seen = NOW() WHERE id = {i}", 1.8),
    ("{c}SELECT * FROM products WHERE category_id = {i} AND price BETWEEN {i} AND {i} LIMIT 50", 44.0),
    (
        "SELECT c.id, COUNT(o.id) FROM customers c LEFT JOIN orders o ON o.customer_id = c.id "
        "GROUP BY c.id HAVING COUNT(o.id) > {i}",
        1200.0,
    ),
    ("SELECT * FROM coupons WHERE code = '{s}' AND valid_until >= CURDATE()", 3.0),
    ("INSERT INTO sessions (token, user_id, expires_at) VALUES ('{s}', {i}, NOW())", 1.1),
    ("SELECT stock FROM inventory WHERE product_id{eq}{i} FOR UPDATE", 5.5),
    ("SELECT * FROM addresses WHERE customer_id = {i}", 2.2),
    ("SELECT id, total FROM orders WHERE id IN ({in}) ORDER BY id", 7.0),
    ("UPDATE products SET views = views + 1 WHERE id = {i}", 1.6),
    ("SELECT * FROM payments WHERE order_id = {i} AND state = '{s}'", 9.0),
    ("SELECT AVG(rating) FROM reviews WHERE product_id = {i}", 55.0),
    ("DELETE FROM sessions WHERE expires_at < '{s}'", 240.0),
    ("SELECT * FROM wishlist WHERE customer_id = {i} AND product_id IN ({in})", 3.3),
    ("SELECT id, name FROM products ORDER BY created_at DESC LIMIT {i}", 18.0),
    ("SELECT u.id, u.email FROM users u WHERE u.id = {i}", 0.6),
    ("INSERT INTO events (kind, created_at) VALUES ('{s}', NOW())", 0.7),
    ("SELECT * FROM tags t JOIN product_tags pt ON pt.tag_id = t.id WHERE pt.product_id = {i}", 4.5),
    ("SELECT COUNT(*) FROM reviews WHERE created_at > '{s}'", 130.0),
    ("UPDATE carts SET updated_at = NOW() WHERE id = {i}", 1.3),
    ("SELECT * FROM suppliers WHERE country = '{s}'", 35.0),
    ("SELECT MAX(id) FROM orders", 0.4),
    ("SELECT * FROM refunds WHERE order_id = {i}", 2.8),
    ("SELECT * FROM products WHERE sku{eq}'{s}'", 1.9),
    ("SELECT o.* FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.email = '{s}'", 75.0),
    ("SELECT id FROM carts WHERE customer_id = {i} AND checked_out = 0", 2.1),
    ("SELECT * FROM price_history WHERE product_id = {i} AND changed_at > '{s}'", 48.0),
    ("SELECT DISTINCT customer_id FROM orders WHERE created_at > '{s}'", 880.0),
    ("SELECT * FROM notifications WHERE user_id = {i} AND seen = 0 ORDER BY id DESC LIMIT 10", 8.0),
    ("UPDATE notifications SET seen = 1 WHERE user_id = {i} AND id <= {i}", 4.2),
    ("SELECT 1", 0.1),
]

WORDS = ["paid", "shipped", "pending", "cancelled", "alpha", "beta", "gamma", "x9f3", "o'brien", "delta"]


def _fill(template: str, rng: random.Random) -> str:
    """One concrete statement of a template, with random literals and layout variants."""
    out = template
    while "{in}" in out:
        n = rng.choice((1, 2, 3, 5, 8, 13, 40))
        out = out.replace("{in}", ", ".join(str(rng.randint(1, 99999)) for _ in range(n)), 1)
    while "{i}" in out:
        out = out.replace("{i}", str(rng.randint(1, 999999)), 1)
    while "{s}" in out:
        word = rng.choice(WORDS).replace("'", "''") + str(rng.randint(0, 9999))
        out = out.replace("{s}", word, 1)
    while "{eq}" in out:
        out = out.replace("{eq}", rng.choice(("=", " = ", " =")), 1)
    comment = ""
    if "{c}" in out and rng.random() < 0.3:
        comment = f"/* app=shop route=r{rng.randint(1, 9)} */ "
    out = out.replace("{c}", comment)
    if rng.random() < 0.05:
        out = out.replace(" WHERE ", "\n  WHERE ", 1)
    return out


def write_slowlog(path: Path, entries: int, seed: int = 7) -> None:
    """Write `entries` slow-log entries with Zipf-like shape frequencies and log-normal durations."""
    rng = random.Random(seed)
    weights = [1.0 / (rank + 1) ** 1.05 for rank in range(len(TEMPLATES))]
    order = list(range(len(TEMPLATES)))
    rng.shuffle(order)  # frequency rank independent of duration
    shape_weights = [weights[order[k]] for k in range(len(TEMPLATES))]
    start = datetime(2026, 11, 1, tzinfo=UTC)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        picks = rng.choices(range(len(TEMPLATES)), weights=shape_weights, k=entries)
        for n, k in enumerate(picks):
            template, mean_ms = TEMPLATES[k]
            seconds = mean_ms / 1000 * rng.lognormvariate(0, 0.6) / 1.197
            when = start + timedelta(milliseconds=n * 5)
            rows = rng.randint(0, 5000)
            out.write(
                f"# Time: {when.strftime('%Y-%m-%dT%H:%M:%S.%f')}Z\n"
                f"# User@Host: shop[shop] @ localhost [127.0.0.1]  Id: {1000 + n % 64}\n"
                f"# Query_time: {seconds:.6f}  Lock_time: 0.000010 Rows_sent: {rows % 50}"
                f"  Rows_examined: {rows}\n"
            )
            if n % 997 == 0:
                out.write("use shop;\n")
            out.write(f"SET timestamp={int(when.timestamp())};\n{_fill(template, rng)};\n")
    tmp.replace(path)


# ----------------------------------------------------------------------------------------------
# The benchmark: perfpilot's digest against pt-query-digest on the same file, in the same run.
# ----------------------------------------------------------------------------------------------

DATA = Path(__file__).resolve().parent / ".data"
ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Run:
    """One measured subprocess run."""

    name: str
    command: list[str]
    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    stdout: str
    load_before: float


def _measure(name: str, command: list[str]) -> Run:
    """Run a command under /usr/bin/time -v (or getrusage) and return wall time and peak RSS."""
    timer = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists() else None)
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        full = [timer, "-v", "-o", report.name, *command] if timer else command
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        load = os.getloadavg()[0]
        start = time.perf_counter()
        done = subprocess.run(full, capture_output=True, text=True, check=False, cwd=ROOT)
        wall = time.perf_counter() - start
        if done.returncode != 0:
            raise SystemExit(f"{name} failed ({done.returncode}): {done.stderr[-2000:]}")
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        peak_kb = after.ru_maxrss
        if timer:
            for line in Path(report.name).read_text().splitlines():
                if "Maximum resident set size" in line:
                    peak_kb = int(line.rsplit(":", 1)[1])
    return Run(name, command, wall, cpu, peak_kb / 1024, done.stdout, load)


def _our_top(run: Run) -> list[tuple[str, float, int]]:
    queries = json.loads(run.stdout)["queries"]
    return [(q["fingerprint"], q["total_time_s"], q["count"]) for q in queries]


def _pt_groups(run: Run) -> tuple[list[tuple[str, float, int]], dict[str, list[str]]]:
    """pt-query-digest classes mapped onto our fingerprints (via their example statement)."""
    from perfpilot.workload.fingerprint import fingerprint

    totals: dict[str, list[float]] = {}
    members: dict[str, list[str]] = {}
    for cls in json.loads(run.stdout)["classes"]:
        ours = fingerprint(cls["example"]["query"])
        entry = totals.setdefault(ours, [0.0, 0])
        entry[0] += float(cls["metrics"]["Query_time"]["sum"])
        entry[1] += int(cls["query_count"])
        members.setdefault(ours, []).append(cls["fingerprint"])
    ranked = sorted(totals.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))
    return [(fp, total, int(count)) for fp, (total, count) in ranked], members


def _pt_classes(run: Run) -> list[tuple[str, float, str]]:
    """pt-query-digest's classes by total time: (its fingerprint, total s, our fingerprint)."""
    from perfpilot.workload.fingerprint import fingerprint

    classes = [
        (c["fingerprint"], float(c["metrics"]["Query_time"]["sum"]), fingerprint(c["example"]["query"]))
        for c in json.loads(run.stdout)["classes"]
    ]
    return sorted(classes, key=lambda c: -c[1])


def _median_run(runs: list[Run]) -> Run:
    return sorted(runs, key=lambda r: r.wall_s)[(len(runs) - 1) // 2]


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):.1f} ({min(values):.1f}-{max(values):.1f})"


def _report(entries: int, size_mb: float, our_runs: list[Run], pt_runs: list[Run]) -> str:
    ours, pt = _median_run(our_runs), _median_run(pt_runs)
    our_top = _our_top(ours)
    pt_top, members = _pt_groups(pt)
    same = [a[0] for a in our_top[:10]] == [b[0] for b in pt_top[:10]]
    merges = {fp: names for fp, names in members.items() if len(names) > 1}
    lines = [
        f"- entries: {entries:,} ({size_mb:.0f} MB), shapes found: ours {len(our_top)}, "
        f"pt-query-digest {sum(len(v) for v in members.values())} classes",
        "",
        f"{len(our_runs)} runs of each, alternating; median (min-max):",
        "",
        "| tool | wall s | entries/s (wall, median) | CPU s (user+sys) | entries per CPU s (median) "
        "| peak RSS MB (max) | load avg before |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    medians: dict[str, tuple[float, float]] = {}
    for runs in (our_runs, pt_runs):
        walls, cpus = [r.wall_s for r in runs], [r.cpu_s for r in runs]
        wall, cpu = statistics.median(walls), statistics.median(cpus)
        medians[runs[0].name] = (wall, cpu)
        loads = [r.load_before for r in runs]
        lines.append(
            f"| {runs[0].name} | {_spread(walls)} | {entries / wall:,.0f} | {_spread(cpus)} | "
            f"{entries / cpu:,.0f} | {max(r.peak_rss_mb for r in runs):.0f} | "
            f"{min(loads):.1f}-{max(loads):.1f} |"
        )
    (our_wall, our_cpu), (pt_wall, pt_cpu) = medians[ours.name], medians[pt.name]
    lines += [
        "",
        f"- speed-up, CPU time (medians): {pt_cpu / our_cpu:.1f}x (target >= 15x; less affected by other "
        "load on the machine than wall time)",
        f"- speed-up, wall clock (medians): {pt_wall / our_wall:.1f}x",
        f"- peak RSS: {max(r.peak_rss_mb for r in our_runs):.0f} MB (target < 300 MB)",
        f"- same top-10 in the same order after merges: {'yes' if same else 'NO'}",
        "",
        "| rank | ours: total s | pt (merged): total s | fingerprint |",
        "| ---: | ---: | ---: | --- |",
    ]
    pt_totals = {fp: total for fp, total, _ in pt_top}
    for rank, (fp, total, _count) in enumerate(our_top[:10], 1):
        lines.append(f"| {rank} | {total:.3f} | {pt_totals.get(fp, 0.0):.3f} | `{fp[:90]}` |")
    lines += ["", "pt-query-digest's own top 10 classes (before merging) and our rank of each:", ""]
    our_rank = {fp: rank for rank, (fp, _t, _c) in enumerate(our_top, 1)}
    for rank, cls in enumerate(_pt_classes(pt)[:10], 1):
        lines.append(f"{rank}. {cls[1]:.3f} s `{cls[0][:90]}` -> our rank {our_rank.get(cls[2], '-')}")
    lines += ["", f"Merges ({len(merges)} of our shapes are split by pt-query-digest):", ""]
    for fp, names in sorted(merges.items()):
        lines.append(f"- `{fp}` <- " + "; ".join(f"`{n}`" for n in sorted(names)))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Generate (or reuse) the slow log, run both digests on it and print a markdown report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--markdown", type=Path, help="also write the report to this file")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each tool (>= 3)")
    args = parser.parse_args(argv)
    if args.repeats < 3:
        parser.error("--repeats must be at least 3 (median and range)")
    path = DATA / f"slow-{args.entries}.log"
    if not path.exists():
        write_slowlog(path, args.entries)
    size_mb = path.stat().st_size / 1e6
    python = str(ROOT / ".venv" / "bin" / "python")
    if not Path(python).exists():
        python = sys.executable
    relative = str(path.relative_to(ROOT))
    python = os.path.relpath(python, ROOT) if python.startswith(str(ROOT)) else python
    our_command = [python, "-m", "perfpilot.cli.db", "digest", relative, "--json"]
    pt_command = ["pt-query-digest", "--limit", "1000", "--output", "json", relative]
    our_runs: list[Run] = []
    pt_runs: list[Run] = []
    for _ in range(args.repeats):
        our_runs.append(_measure("perfpilot db digest", our_command))
        pt_runs.append(_measure("pt-query-digest", pt_command))
    ours, pt = our_runs[0], pt_runs[0]
    report = _report(args.entries, size_mb, our_runs, pt_runs)
    header = (
        f"- machine: {os.cpu_count()} CPUs, {cpu_model()}; Python {platform.python_version()}\n"
        f"- command: `.venv/bin/python -m benchmarks.digest_bench --entries {args.entries}"
        + (f" --repeats {args.repeats}" if args.repeats != 3 else "")
        + "`\n"
        f"- perfpilot: `{' '.join(ours.command)}`\n- pt-query-digest: `{' '.join(pt.command)}`\n"
    )
    text = header + report + "\n"
    if args.markdown:
        replace_generated(
            args.markdown, START, END, text, "Digest: perfpilot db digest against pt-query-digest"
        )
    sys.stdout.write(text)


START, END = "<!-- digest-bench:start -->", "<!-- digest-bench:end -->"



if __name__ == "__main__":
    main()
