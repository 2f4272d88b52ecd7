"""Index-advice benchmark: TPC-H SF1 on PostgreSQL 15 + HypoPG, the setup of Kossmann et al. (VLDB 2020).

19 of the 22 TPC-H queries (without Q2, Q17, Q20), indexes of at most two columns, the optimizer's total
cost as the measure. Reports the workload cost with the recommended indexes relative to no indexes at
each storage budget, the advisor's runtime and its number of what-if (EXPLAIN) requests. The relative
cost is re-measured independently of the advisor: all recommended indexes made hypothetical at once in
a fresh session, every query EXPLAINed.

    .venv/bin/python -m benchmarks.tpch_bench [--dsn postgresql://.../postgres] [--budgets 250 500 1000]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import platform
import statistics
from pathlib import Path
from typing import Any

from benchmarks.tpch_data import DATA_DIR, TPCH_DB, admin_dsn, generate, load, query_texts

EXCLUDED = (2, 17, 20)
DEFAULT_SERVER = "postgresql://perfpilot:perfpilot@127.0.0.1:5432/postgres"
REFERENCE = {  # Kossmann et al., VLDB 2020, TPC-H SF1, PostgreSQL, max. 2-column indexes
    "Extend": {250: 0.655, 500: 0.566, 1000: 0.521},
    "DB2Advis": {250: 0.956, 500: 0.645, 1000: 0.595},
}


def _shapes() -> list[Any]:
    from perfpilot.workload.models import QueryShape

    return [
        QueryShape(
            id=f"q{number}",
            fingerprint=f"tpch-q{number}",
            example=text,
            count=1,
            total_time_s=0,
            mean_time_s=0,
            p95_time_s=0,
            max_time_s=0,
        )
        for number, text in query_texts().items()
        if number not in EXCLUDED
    ]


def workload_cost(dsn: str, shapes: list[Any], ddl: list[str]) -> tuple[float, float]:
    """(Total optimizer cost of the workload, size in MB) with `ddl` indexes made hypothetical."""
    from perfpilot.skills.database_optimization.connect import open_postgres_readonly
    from perfpilot.skills.database_optimization.plans import plan_cost

    with open_postgres_readonly(dsn) as conn:
        conn.execute("SELECT hypopg_reset()")
        size = 0.0
        for statement in ddl:
            row = conn.execute("SELECT indexrelid FROM hypopg_create_index(%s)", (statement,)).fetchone()
            size += float(conn.execute("SELECT hypopg_relation_size((%s)::oid)", (row[0],)).fetchone()[0])
        total = sum(plan_cost(conn, shape.example.strip().rstrip(";")) for shape in shapes)
        conn.execute("SELECT hypopg_reset()")
    return total, size / 1048576


def _process_cpu_s(pid: int) -> float:
    """User + system CPU seconds of a local process (/proc/<pid>/stat fields 14 and 15)."""
    import os

    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_split(
    dsn: str, shapes: list[Any], catalog: Any, budget_mb: float, min_benefit: float
) -> dict[str, float]:
    """CPU seconds of the advisor's selection, split into this process and its PostgreSQL backend.

    Replays what advise() does for the selection (same modules, same order) over a connection whose
    backend pid is known, so the figure holds on a host shared with other work, where wall time does not:
    uncontended, the wall time is about the sum (client and backend alternate, one request at a time).
    """
    import time

    from perfpilot.skills.database_optimization.candidates import analyse_shape, generate_candidates
    from perfpilot.skills.database_optimization.connect import open_postgres_readonly
    from perfpilot.skills.database_optimization.hypo import HypoPgWhatIf
    from perfpilot.skills.database_optimization.selection import GreedySelector

    with open_postgres_readonly(dsn) as conn:
        pid = int(conn.execute("SELECT pg_backend_pid()").fetchone()[0])
        backend0, client0, wall0 = _process_cpu_s(pid), time.process_time(), time.perf_counter()
        uses = [u for u in (analyse_shape(s, catalog, "postgres") for s in shapes) if u is not None]
        whatif = HypoPgWhatIf(conn, catalog)
        selector = GreedySelector(
            uses,
            generate_candidates(uses, catalog, max_columns=2, covering=False),
            whatif,
            budget_bytes=budget_mb * 1048576,
            min_benefit=min_benefit,
            penalty=lambda _: 0.0,
        )
        selector.best()
        backend = _process_cpu_s(pid) - backend0
        client = time.process_time() - client0
        wall = time.perf_counter() - wall0
        whatif.close()
    return {"client_cpu_s": round(client, 3), "backend_cpu_s": round(backend, 3), "wall_s": round(wall, 3)}


def run(dsn: str, budgets: list[float], repeats: int, min_benefit: float) -> dict[str, Any]:
    from perfpilot.skills.database_optimization.advisor import advise
    from perfpilot.skills.database_optimization.pg_catalog import read_catalog

    shapes = _shapes()
    catalog = read_catalog(dsn)
    baseline, _ = workload_cost(dsn, shapes, [])
    results = []
    for budget in budgets:
        runtimes = []
        advice = None
        for _ in range(repeats):
            advice = advise(
                shapes,
                catalog,
                dsn=dsn,
                dialect="postgres",
                storage_budget_mb=budget,
                min_benefit=min_benefit,
                max_columns=2,
                covering=False,
                explain_plans=False,
            )
            runtimes.append(advice.runtime_s)
        assert advice is not None
        plain = [
            r.ddl.replace(" CONCURRENTLY IF NOT EXISTS", "").replace(f" {r.name} ON", " ON")
            for r in advice.recommendations
        ]
        cost, size_mb = workload_cost(dsn, shapes, plain)
        split = cpu_split(dsn, shapes, catalog, budget, min_benefit)
        results.append(
            {
                "budget_mb": budget,
                "relative_cost": round(cost / baseline, 4),
                "advisor_estimate": round(advice.workload_cost_after / advice.workload_cost_before, 4),
                "size_mb": round(size_mb, 1),
                "runtime_s_median": round(statistics.median(runtimes), 3),
                "runtime_s_max": round(max(runtimes), 3),
                "whatif_calls": advice.whatif_calls,
                "cpu_s": round(split["client_cpu_s"] + split["backend_cpu_s"], 3),
                **split,
                "indexes": [f"{r.table}({', '.join(r.columns)})" for r in advice.recommendations],
            }
        )
    return {"baseline_cost": round(baseline, 1), "queries": len(shapes), "results": results}


def machine() -> str:
    """CPU model, core count and load average at the time of the run (the host may be shared)."""
    import os

    model = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        lines = Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines()
        model = next(
            (line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")), model
        )
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    return f"{model}, {os.cpu_count()} cores, load average {load}, python {platform.python_version()}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.tpch_bench", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--dsn", default=DEFAULT_SERVER, help="Superuser DSN of the server (any database).")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--budgets", type=float, nargs="+", default=[250, 500, 1000])
    parser.add_argument("--repeats", type=int, default=3, help="Advisor runs per budget (runtime median).")
    parser.add_argument("--min-benefit", type=float, default=0.003)
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
    parser.add_argument("--markdown", type=Path, help="Also write the docs/bench section to this file.")
    args = parser.parse_args(argv)
    from perfpilot.logs import configure_logging

    configure_logging(headless=True, level="warning")
    tbl_dir = generate(args.scale, DATA_DIR / f"tpch-sf{args.scale:g}")
    target = (
        load(args.dsn, tbl_dir, TPCH_DB)
        if args.scale == 1
        else load(args.dsn, tbl_dir, f"{TPCH_DB}_sf{args.scale:g}")
    )
    report = run(target, args.budgets, args.repeats, args.min_benefit)
    report["machine"] = machine()
    report["database"] = admin_dsn(args.dsn, TPCH_DB).rsplit("@", 1)[-1]
    report["min_benefit"] = args.min_benefit
    report["repeats"] = args.repeats
    if args.markdown:
        from benchmarks.tpch_report import render_markdown

        command = ".venv/bin/python -m benchmarks.tpch_bench" + (
            f" --repeats {args.repeats}" if args.repeats != 3 else ""
        )
        args.markdown.write_text(render_markdown(report, command))
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"TPC-H SF{args.scale:g}, {report['queries']} queries, baseline cost {report['baseline_cost']:,}")
    header = ("budget MB", "relative", "Extend", "DB2Advis", "size MB", "wall s", "CPU s", "what-if")
    print("  ".join(f"{h:>9}" for h in header))
    nan = float("nan")
    for row in report["results"]:
        budget = int(row["budget_mb"])
        print(
            f"{budget:>9}  {row['relative_cost']:>9.3f}  {REFERENCE['Extend'].get(budget, nan):>9.3f}  "
            f"{REFERENCE['DB2Advis'].get(budget, nan):>9.3f}  {row['size_mb']:>9.1f}  "
            f"{row['runtime_s_median']:>9.2f}  {row['cpu_s']:>9.2f}  {row['whatif_calls']:>9}"
        )
        print(f"{'':>11}{', '.join(row['indexes'])}")
    print(f"machine: {report['machine']}")


if __name__ == "__main__":
    main()
