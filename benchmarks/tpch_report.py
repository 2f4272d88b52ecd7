"""The markdown section docs/bench/index-advice.md, rendered from a tpch_bench report."""

from __future__ import annotations

from typing import Any

EXTEND = {250: 0.655, 500: 0.566, 1000: 0.521}
DB2ADVIS = {250: 0.956, 500: 0.645, 1000: 0.595}
DEXTER = 0.602
TARGET_S = 2.0

SETUP = """\
`perfpilot db advise` recommends indexes for a whole workload. This benchmark holds it against the
published figures of Kossmann, Halfpap, Jankrift and Schlosser, "Magic mirror in my hand, which is the
best in the land? An Experimental Evaluation of Index Selection Algorithms", VLDB 2020.

Setup, as in the paper:

- TPC-H scale factor 1, generated with the PyPI package `tpchgen-cli` into `benchmarks/.data/`
  (gitignored) and loaded into a separate PostgreSQL 15 database `perfpilot_tpch`, **without primary or
  foreign keys and without indexes**, then `VACUUM ANALYZE`.
- The 22 TPC-H queries with the specification's validation parameters, as the PyPI package
  `duckdb-extension-tpch` carries them (its extension's `tpch_queries()`, loaded with `duckdb`). They run
  on PostgreSQL unchanged. Q2, Q17 and Q20 are left out, as in the paper; each of the 19 others runs once.
- Indexes of at most two columns (`max_columns=2`, no INCLUDE columns).
- The measure is the optimizer's total cost (`EXPLAIN (FORMAT JSON)`) with HypoPG hypothetical indexes.
  The relative cost is **re-measured independently of the advisor**: a fresh session makes all
  recommended indexes hypothetical at once and sums the cost of the 19 queries.
- Budgets measured with `hypopg_relation_size`; an index must save at least `min_benefit` of the workload.
"""

METHOD = """\
### How the advisor works (`perfpilot/skills/database_optimization/`)

1. `candidates.py` parses each query shape with sqlglot and collects, per table, the columns used in
   equality, range (incl. `LIKE 'prefix%'`), join, ORDER BY and GROUP BY. Candidates are every single
   column and every ordered pair (equality and join keys, then range, then sort), minus those an
   existing index prefix serves.
2. `selection.py`, usefulness (as in DB2Advis): each query is EXPLAINed once with all its candidates
   hypothetical and once with its single-column ones; only the indexes the plans use (and their
   two-column extensions) stay in the pool.
3. Greedy with extension moves (as in Extend): a candidate is added, or replaces a chosen index it
   extends; its benefit is the frequency-weighted cost it saves, re-priced after every pick on the
   queries it can serve. Lazy evaluation (CELF): a score from an earlier round is an upper bound, so only
   the candidate on top is re-priced. Each query is re-priced with the indexes its current plan uses
   plus the candidate, so a cache answers most requests. Three passes score benefit / size^e for
   e = 1, 0.5 and 0; the configuration with the lowest workload cost wins.
4. Write overhead: DML statements of the workload on a table cost 4.0 planner units per statement per
   index (about one random page write); on a table whose writes since the statistics reset exceed 10x
   its rows, an index must save twice `min_benefit`.

SQLite has no optimizer cost: `sqlite_whatif.py` builds candidates as real indexes in a copy of the
database made with the backup API (`sandbox.py`), runs `ANALYZE` there, and prices `EXPLAIN QUERY PLAN`
with the rows-touched proxy documented in `sqlite_plans.py`. Without a database (a DDL-only catalog),
`heuristic_whatif.py` uses a documented selectivity heuristic (method `heuristic`).
"""


def _verdict(results: list[dict[str, Any]]) -> list[str]:
    beaten = [r for r in results if int(r["budget_mb"]) in EXTEND]
    quality = all(r["relative_cost"] <= EXTEND[int(r["budget_mb"])] for r in beaten)
    walls = [r["runtime_s_median"] for r in results]
    cpus = [r["cpu_s"] for r in results]
    lines = [
        "### Against the target (at or below Extend at every budget, in under 2 s)",
        "",
        "- Relative cost: "
        + ("**met**" if quality else "**not met**")
        + ": "
        + ", ".join(f"{r['relative_cost']:.3f} vs {EXTEND[int(r['budget_mb'])]:.3f}" for r in beaten)
        + ".",
    ]
    within = [f"{int(r['budget_mb'])} MB" for r in results if r["runtime_s_median"] < TARGET_S]
    if max(walls) < TARGET_S:
        lines.append(
            f"- Runtime: **met**: {min(walls):.2f}-{max(walls):.2f} s wall time (median per budget) at the "
            "load shown above; on this shared host, runs at a load average of 9-10 take longer."
        )
    else:
        cpu_note = "under 2 s" if max(cpus) < TARGET_S else "over 2 s"
        lines.append(
            f"- Runtime: **not met in wall time at every budget** ({min(walls):.2f}-{max(walls):.2f} s; "
            "under "
            f"2 s at {', '.join(within) or 'none'}) on this shared host at the load shown above. CPU time "
            f"is {cpu_note} ({min(cpus):.2f}-{max(cpus):.2f} s, one session: this process plus its "
            "PostgreSQL backend, which take turns); uncontended, the wall time is about that or less (the "
            "advisor spreads what-if batches over two sessions). Rerun the command on an idle host to check."
        )
    return lines


def render_markdown(report: dict[str, Any], command: str) -> str:
    """The whole section, figures included."""
    rows = [
        "| budget | perfpilot relative cost | Extend (paper) | DB2Advis (paper) | Dexter-style (paper) "
        "| size used | wall time, median (max) | CPU time | what-if calls |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in report["results"]:
        budget = int(r["budget_mb"])
        rows.append(
            f"| {budget} MB | **{r['relative_cost']:.3f}** | {EXTEND.get(budget, float('nan')):.3f} "
            f"| {DB2ADVIS.get(budget, float('nan')):.3f} | {DEXTER:.3f} | {r['size_mb']:.0f} MB "
            f"| {r['runtime_s_median']:.2f} s ({r['runtime_s_max']:.2f} s) | {r['cpu_s']:.2f} s "
            f"| {r['whatif_calls']} |"
        )
    indexes = [f"- {int(r['budget_mb'])} MB: {', '.join(r['indexes'])}" for r in report["results"]]
    parts = [
        "## Index advice on TPC-H (the Kossmann et al. setup)",
        "",
        SETUP,
        f"Command: `{command}` (loads the data the first time; later runs reuse it).",
        "",
        f"Machine: {report['machine']}. The load average is the host's when the run ended: on a shared "
        "host, wall times are inflated by CPU contention; the CPU column is not (the same selection "
        "replayed over a connection whose backend pid is known: this process plus that PostgreSQL "
        "backend, from `/proc`).",
        "",
        *rows,
        "",
        f"Baseline (no index) workload cost: {report['baseline_cost']:,.0f}; {report['queries']} queries; "
        f"min_benefit {report['min_benefit']}; wall time is the median of {report['repeats']} advisor runs. "
        "The paper reports 0.5-8 s and up to 25,000 cost requests for Extend, under 0.5 s and 38 EXPLAINs "
        "for DB2Advis; the Dexter-style rule does not depend on the budget.",
        "",
        "Recommended indexes:",
        "",
        *indexes,
        "",
        *_verdict(report["results"]),
        "",
        METHOD,
    ]
    return "\n".join(parts)
