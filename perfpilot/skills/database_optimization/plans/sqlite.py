"""SQLite EXPLAIN QUERY PLAN, summarised with a documented cost proxy (SQLite exposes no cost).

The proxy, in "rows touched": each SCAN/SEARCH line is one nested-loop level, run once per row of the
levels before it. A SCAN touches the table's rows; a SEARCH touches the rows per key that sqlite_stat1
records for the index prefix it uses (its equality columns; a range on the next column divides by 4,
SQLite's own default), plus log2(N) to descend the b-tree; a non-covering index doubles the touched rows
(table lookups); a SCAN of a statement with a WHERE clause passes on a quarter of its rows. "USE TEMP
B-TREE" (sorts, DISTINCT, GROUP BY) adds n*log2(n) of the rows reaching it.
An INTEGER PRIMARY KEY lookup touches one row. The figure only compares plans of the same statement.
"""

from __future__ import annotations

import math
import re
import sqlite3

from perfpilot.skills.database_optimization.catalog.models import Catalog
from perfpilot.skills.database_optimization.plans.postgres import (
    LARGE_TABLE_ROWS,
    PlanIssue,
    PlanNode,
    PlanReport,
    substitute_parameters,
)

# Share of a scanned table's rows assumed to pass the statement's WHERE clause (SQLite reports none).
SCAN_FILTER_GUESS = 0.25

_LINE = re.compile(
    r"^(?P<op>SCAN|SEARCH)\s+(?:TABLE\s+)?(?P<table>\S+)(?:\s+AS\s+\S+)?"
    r"(?:\s+USING\s+(?P<how>COVERING INDEX|INDEX|INTEGER PRIMARY KEY|PRIMARY KEY|AUTOMATIC \S+ INDEX)"
    r"\s*(?P<index>[^\s(]*))?\s*(?:\((?P<cond>[^)]*)\))?"
)


def _aliases(statement: str) -> dict[str, str]:
    """Alias -> table name in a statement (EXPLAIN QUERY PLAN names tables by their alias)."""
    import sqlglot
    from sqlglot import exp

    try:
        tree = sqlglot.parse_one(statement, read="sqlite")
    except sqlglot.errors.SqlglotError:
        return {}
    return {t.alias_or_name.lower(): t.name for t in tree.find_all(exp.Table)} if tree else {}


def stat1_by_index(conn: sqlite3.Connection) -> dict[str, list[int]]:
    """sqlite_stat1 figures per index: [rows, rows per key of prefix 1, of prefix 2, ...]."""
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone():
        return {}
    stats: dict[str, list[int]] = {}
    for idx, stat in conn.execute("SELECT idx, stat FROM sqlite_stat1 WHERE idx IS NOT NULL").fetchall():
        numbers = [int(part) for part in str(stat).split() if part.isdigit()]
        if numbers:
            stats[str(idx).lower()] = numbers
    return stats


def _search_rows(table_rows: float, stat: list[int] | None, cond: str) -> float:
    """Rows per probe for a SEARCH, from sqlite_stat1 where known, else SQLite's default guesses."""
    terms = [t.strip() for t in cond.split(" AND ") if t.strip()]
    equalities = sum(1 for t in terms if re.search(r"=\?$", t) and not re.search(r"[<>]=\?$", t))
    ranges = len(terms) - equalities
    if stat and equalities:
        rows = float(stat[min(equalities, len(stat) - 1)])
    elif equalities:
        rows = max(1.0, table_rows / 10.0**equalities)
    else:
        rows = table_rows
    return max(1.0, rows / 4.0 ** min(ranges, 2))


def explain_sqlite(conn: sqlite3.Connection, sql: str, *, catalog: Catalog | None = None) -> PlanReport:
    """EXPLAIN QUERY PLAN one statement and price it with the rows-touched proxy (module docstring)."""
    statement = substitute_parameters(sql.strip().rstrip(";"))
    rows = conn.execute(f"EXPLAIN QUERY PLAN {statement}").fetchall()
    stats = stat1_by_index(conn)
    aliases = _aliases(statement)
    filtered = " WHERE " in f" {statement.upper()} "
    nodes: list[PlanNode] = []
    issues: list[PlanIssue] = []
    depth_of: dict[int, int] = {0: -1}
    multiplier = 1.0
    cost = 0.0
    for node_id, parent, _unused, detail in rows:
        depth = depth_of.get(parent, -1) + 1
        depth_of[node_id] = depth
        match = _LINE.match(str(detail))
        if not match:
            if "TEMP B-TREE" in str(detail):
                cost += multiplier * math.log2(multiplier + 1)
            nodes.append(PlanNode(node_type=str(detail).split(" ")[0], depth=depth, detail=str(detail)))
            continue
        table = aliases.get(match["table"].lower(), match["table"])
        known = catalog.table(table) if catalog else None
        table_rows = float(known.row_count) if known and known.row_count is not None else 1000.0
        how = match["how"] or ""
        if match["op"] == "SCAN":
            touched = table_rows
            if "COVERING" not in how and match["index"]:
                touched *= 1.5
            if table_rows > LARGE_TABLE_ROWS and not match["index"]:
                issues.append(
                    PlanIssue(
                        kind="seq_scan_large",
                        relation=table,
                        rows=table_rows,
                        message=f"full scan of {table} ({table_rows:,.0f} rows)",
                    )
                )
            out = table_rows * (SCAN_FILTER_GUESS if filtered else 1.0)
        elif "PRIMARY KEY" in how and "=" in (match["cond"] or ""):
            touched, out = 1.0 + math.log2(table_rows + 1), 1.0
        else:
            out = _search_rows(table_rows, stats.get((match["index"] or "").lower()), match["cond"] or "")
            lookups = 1.0 if "COVERING" in how or "PRIMARY KEY" in how else 2.0
            touched = out * lookups + math.log2(table_rows + 1)
        cost += multiplier * touched
        multiplier *= max(out, 1.0)
        nodes.append(
            PlanNode(
                node_type=match["op"],
                depth=depth,
                relation=table,
                index=match["index"] or None,
                rows=out,
                total_cost=multiplier,
                detail=str(detail),
            )
        )
    return PlanReport(
        dialect="sqlite", statement=statement, total_cost=round(cost, 3), nodes=nodes, issues=issues
    )
