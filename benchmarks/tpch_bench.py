"""Index-advice benchmark: perfpilot, Extend and DB2Advis side by side on TPC-H, PostgreSQL 15 + HypoPG.

All three run here, on the same database, the same queries (19 TPC-H queries without Q2, Q17 and Q20,
or a 100-query workload of the templates with varied parameters), the same parser, the same HypoPG
what-if evaluator and the same budgets; indexes of at most two columns. Each (budget, algorithm) runs
`--repeats` times: wall time, CPU time (this process plus its PostgreSQL backends) and what-if requests
are reported as median and range. The relative cost is re-measured independently of every algorithm:
all its indexes made hypothetical at once in a fresh session, every query EXPLAINed.

    .venv/bin/python -m benchmarks.tpch_bench [--scale 0.1] [--workload varied100] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
from pathlib import Path
from typing import Any

from benchmarks.anchors.contenders import CONTENDERS
from benchmarks.anchors.measure import summarise, timed_selection
from benchmarks.anchors.surface import IndexCandidate, analyse_shape, open_postgres_readonly, plan_cost
from benchmarks.sections import cpu_model
from benchmarks.tpch_data import DATA_DIR, TPCH_DB, admin_dsn, generate, load, query_texts
from benchmarks.tpch_workload import varied_workload

EXCLUDED = (2, 17, 20)
DEFAULT_SERVER = "postgresql://perfpilot:perfpilot@127.0.0.1:5432/postgres"
SF1_BUDGETS_MB = (250.0, 500.0, 1000.0)
WORKLOADS = {"tpch19": 19, "varied100": 100}


def workload_queries(name: str) -> dict[str, str]:
    """Query id -> text: the 19 TPC-H queries, or 100 variants of them (seeded)."""
    templates = {n: t for n, t in query_texts().items() if n not in EXCLUDED}
    if name == "tpch19":
        return {f"q{n}": t for n, t in templates.items()}
    return varied_workload(templates, WORKLOADS[name])


def shapes_of(queries: dict[str, str]) -> list[Any]:
    from perfpilot.workload.models import QueryShape

    return [
        QueryShape(
            id=key,
            fingerprint=f"tpch-{key}",
            example=text,
            count=1,
            total_time_s=0,
            mean_time_s=0,
            p95_time_s=0,
            max_time_s=0,
        )
        for key, text in queries.items()
    ]


def recost(dsn: str, shapes: list[Any], indexes: list[IndexCandidate]) -> tuple[float, float]:
    """(Total optimizer cost of the workload, size in MB) with `indexes` hypothetical, in a fresh session."""
    with open_postgres_readonly(dsn) as conn:
        conn.execute("SELECT hypopg_reset()")
        size = 0.0
        for index in indexes:
            sql = index.create_sql()
            row = conn.execute("SELECT indexrelid FROM hypopg_create_index(%s)", (sql,)).fetchone()
            size += float(conn.execute("SELECT hypopg_relation_size((%s)::oid)", (row[0],)).fetchone()[0])
        total = sum(plan_cost(conn, shape.example.strip().rstrip(";")) for shape in shapes)
        conn.execute("SELECT hypopg_reset()")
    return total, size / 1048576


def run(
    dsn: str, queries: dict[str, str], budgets_mb: list[float], repeats: int, min_benefit: float
) -> dict[str, Any]:
    from benchmarks.anchors.surface import read_catalog

    shapes = shapes_of(queries)
    catalog = read_catalog(dsn)
    uses = [u for u in (analyse_shape(s, catalog, "postgres") for s in shapes) if u is not None]
    baseline, _ = recost(dsn, shapes, [])
    results = []
    for budget in budgets_mb:
        for name, select in CONTENDERS:
            runs = [
                timed_selection(select, dsn, uses, catalog, budget * 1048576, min_benefit)
                for _ in range(repeats)
            ]
            chosen = runs[-1][0]
            cost, size_mb = recost(dsn, shapes, chosen)
            timings = [t for _, t in runs]
            results.append(
                {
                    "budget_mb": budget,
                    "algorithm": name,
                    "relative_cost": round(cost / baseline, 4),
                    "size_mb": round(size_mb, 1),
                    "same_indexes_every_run": all(sorted(c) == sorted(chosen) for c, _ in runs),
                    **{key: summarise([t[key] for t in timings]) for key in ("wall_s", "cpu_s")},
                    "client_cpu_s_median": round(statistics.median(t["client_cpu_s"] for t in timings), 3),
                    "backend_cpu_s_median": round(statistics.median(t["backend_cpu_s"] for t in timings), 3),
                    "whatif_calls": int(statistics.median(t["whatif_calls"] for t in timings)),
                    "indexes": [c.label for c in chosen],
                }
            )
            print(f"  {budget:g} MB {name}: {results[-1]['relative_cost']:.3f}", flush=True)
    return {"baseline_cost": round(baseline, 1), "queries": len(uses), "results": results}


def machine() -> str:
    """CPU model, core count and load average at the time of the run (the host may be shared)."""
    import os

    model = cpu_model()
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    return f"{model}, {os.cpu_count()} cores, load average {load}, python {platform.python_version()}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.tpch_bench", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--dsn", default=DEFAULT_SERVER, help="Superuser DSN of the server (any database).")
    parser.add_argument(
        "--database", help="Database to load TPC-H into (default perfpilot_tpch[_sf<scale>])."
    )
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--workload", choices=sorted(WORKLOADS), default="tpch19")
    parser.add_argument(
        "--budgets", type=float, nargs="+", help="Storage budgets in MB (default 250 500 1000 x scale)."
    )
    parser.add_argument("--repeats", type=int, default=3, help="Runs per budget and algorithm (>= 3).")
    parser.add_argument(
        "--min-benefit",
        type=float,
        default=0.0,
        help="perfpilot's threshold (share of the workload an index must save); Extend and DB2Advis have "
        "none, so 0 compares like with like.",
    )
    parser.add_argument("--json", type=Path, help="Also write the figures as JSON to this file.")
    parser.add_argument("--markdown", type=Path, help="Also write the docs/bench section to this file.")
    args = parser.parse_args(argv)
    if args.repeats < 3:
        parser.error("--repeats must be at least 3 (median and spread)")
    from perfpilot.logs import configure_logging

    configure_logging(headless=True, level="warning")
    tbl_dir = generate(args.scale, DATA_DIR / f"tpch-sf{args.scale:g}")
    database = args.database or (
        TPCH_DB if args.scale == 1 else f"{TPCH_DB}_sf{args.scale:g}".replace(".", "")
    )
    target = load(args.dsn, tbl_dir, database)
    budgets = args.budgets or [b * args.scale for b in SF1_BUDGETS_MB]
    report = run(target, workload_queries(args.workload), budgets, args.repeats, args.min_benefit)
    report.update(
        machine=machine(),
        database=admin_dsn(args.dsn, database).rsplit("@", 1)[-1],
        scale=args.scale,
        workload=args.workload,
        min_benefit=args.min_benefit,
        repeats=args.repeats,
    )
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    if args.markdown:
        from benchmarks.tpch_report import render_markdown

        flags = [f"--scale {args.scale:g}"] if args.scale != 1 else []
        flags += [f"--workload {args.workload}"] if args.workload != "tpch19" else []
        flags += [f"--repeats {args.repeats}"] if args.repeats != 3 else []
        flags += [f"--min-benefit {args.min_benefit:g}"] if args.min_benefit != 0 else []
        args.markdown.write_text(
            render_markdown(report, " ".join([".venv/bin/python -m benchmarks.tpch_bench", *flags]))
        )
    print(
        f"TPC-H SF{args.scale:g} {args.workload}: {report['queries']} queries, "
        f"baseline {report['baseline_cost']:,}"
    )
    for row in report["results"]:
        print(
            f"{row['budget_mb']:>7g} MB {row['algorithm']:>9}  {row['relative_cost']:.3f}  "
            f"wall {row['wall_s']['median']:.2f} s  CPU {row['cpu_s']['median']:.2f} s  "
            f"what-if {row['whatif_calls']}  {', '.join(row['indexes'])}"
        )
    print(f"machine: {report['machine']}")


if __name__ == "__main__":
    main()
