"""Statistics and index hygiene findings: stale statistics, unused indexes, duplicate or redundant ones
(both reported as 'duplicate_index': a redundant index duplicates a longer one's leading columns).

idx_scan counts scans over the statistics window, so an unused index is judged only over a window long
enough to have seen the workload's cycle, and only on a table the window saw being read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from perfpilot.artifacts import EvidenceRef, Finding, ImpactEstimate, Remediation
from perfpilot.artifacts.priority import priority_from_impact
from perfpilot.skills.database_optimization.catalog.models import (
    WORKLOAD_CYCLE_DAYS,
    Catalog,
    Index,
    StatsWindow,
    Table,
    qualified_name,
)
from perfpilot.skills.database_optimization.findings.format import db_finding, safe_label

STALE_FRACTION = 0.10
NEVER_ANALYZED_ROWS = 1000
HYGIENE_IMPACT = 0.05
"""An unused or redundant index costs writes and storage, not read time: a fixed, small impact."""
MIN_UNUSED_WINDOW_DAYS = WORKLOAD_CYCLE_DAYS
"""Least statistics window over which idx_scan = 0 says an index is unused (catalog/models.py: a month,
postgres.ai's "usage data for at least 1 month")."""
MIN_READS_PER_DAY = 1.0
"""A table read (seq_scan + idx_scan) less than once a day over the window shows too little workload for
its unscanned indexes to count as unused: the drop is not recommended (the cautious side)."""


def stale_statistics_findings(catalog: Catalog) -> list[Finding]:
    """Tables changed by > 10% of their rows since the last ANALYZE, or never analyzed (> 1000 rows)."""
    findings: list[Finding] = []
    for table in catalog.tables:
        rows = table.row_count or 0
        modified = table.modified_since_analyze or 0
        never = table.last_analyze is None and rows > NEVER_ANALYZED_ROWS
        stale = rows > 0 and modified > STALE_FRACTION * rows
        if not (never or stale) or catalog.dialect != "postgres":
            continue
        name = qualified_name(table)
        impact = min(1.0, 0.5 if never else modified / max(rows, 1))
        why = (
            f"{name} has {rows:,} rows and has never been analyzed"
            if never
            else f"{modified:,} rows of {name} ({modified / rows:.0%} of {rows:,}) changed since the last "
            f"ANALYZE ({table.last_analyze})"
        )
        findings.append(
            db_finding(
                "stale_statistics",
                name,
                title=safe_label(f"Stale planner statistics on {name}", 120),
                root_cause=why + "; the planner's row estimates (and so its plan choices) may be wrong.",
                impact=impact,
                priority=priority_from_impact(impact),
                remediation=Remediation(
                    kind="ddl",
                    title=f"ANALYZE {name}",
                    content=f"ANALYZE {name};",
                    rollback="-- ANALYZE only refreshes statistics; nothing to roll back",
                    effort_days=0.0,
                    auto_applicable=True,
                ),
                evidence=[
                    EvidenceRef(
                        source=catalog.source,
                        excerpt=why,
                        values={"rows": float(rows), "modified_since_analyze": float(modified)},
                    )
                ],
            )
        )
    return findings


def _index_definitions(conn: Any) -> dict[tuple[str, str], str]:
    rows = conn.execute(
        "SELECT n.nspname, c.relname, pg_get_indexdef(c.oid) FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'i'"
    ).fetchall()
    return {(schema, name): definition for schema, name, definition in rows}


def _drop_finding(
    catalog: Catalog,
    table: Table,
    index: Index,
    kind: str,
    why: str,
    definition: str,
    window: dict[str, float] | None = None,
) -> Finding:
    schema = f"{table.schema_name}." if table.schema_name not in {"public", ""} else ""
    size_mb = (index.size_bytes or 0) / 1048576
    subject = f"{qualified_name(table)}.{index.name}"
    return db_finding(
        kind,
        subject,
        title=safe_label(f"{'Unused' if kind == 'unused_index' else 'Redundant'} index {index.name} on "
                         f"{qualified_name(table)}", 120),
        root_cause=why,
        impact=HYGIENE_IMPACT,
        priority=priority_from_impact(HYGIENE_IMPACT),
        estimate=ImpactEstimate(
            metric="index_storage_mb", current=size_mb, expected=0.0, unit="MB", method="pg_relation_size"
        ),
        remediation=Remediation(
            kind="ddl",
            title=f"Drop index {index.name}",
            content=f"DROP INDEX CONCURRENTLY IF EXISTS {schema}{index.name};",
            rollback=definition.replace("CREATE INDEX ", "CREATE INDEX CONCURRENTLY ", 1) + ";",
            effort_days=0.1,
            risk="medium",
        ),
        evidence=[
            EvidenceRef(
                source=catalog.source,
                excerpt=definition,
                values={
                    "idx_scan": float(index.scans or 0),
                    "size_bytes": float(index.size_bytes or 0),
                    **(window or {}),
                },
            )
        ],
    )


@dataclass
class IndexHygiene:
    """Duplicate and unused index findings, and what could not be judged (for the skill's notes)."""

    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _duplicates(table: Table) -> list[tuple[Index, str]]:
    """(index, why) for every btree index that duplicates another or is a leading prefix of one."""
    found: list[tuple[Index, str]] = []
    btrees = [i for i in table.indexes if i.method == "btree" and not i.partial]
    for index in btrees:
        for other in btrees:
            if other.name == index.name or index.unique or index.primary:
                continue
            same = other.columns == index.columns and other.include == index.include
            prefix = len(index.columns) < len(other.columns) and other.columns[: len(index.columns)] == (
                index.columns
            )
            if (same and other.name < index.name) or (prefix and not index.include):
                why = (
                    f"{index.name} ({', '.join(index.columns)}) is "
                    + ("a duplicate of" if same else "a leading prefix of")
                    + f" {other.name} ({', '.join(other.columns)}), which serves the same lookups"
                )
                found.append((index, why))
                break
    return found


def _window_note(window: StatsWindow | None, unjudged: int) -> str:
    if window is None:
        return (
            f"{unjudged} index(es) show idx_scan = 0, but how long the statistics have counted is unknown: "
            "unused indexes are not judged"
        )
    return (
        f"statistics cover {window.phrase()}: too short to judge unused indexes (at least "
        f"{MIN_UNUSED_WINDOW_DAYS:.0f} days needed); {unjudged} index(es) with idx_scan = 0 not judged"
    )


def index_hygiene_findings(conn: Any, catalog: Catalog) -> IndexHygiene:
    """Duplicate/prefix-redundant btree indexes, and unused ones (idx_scan = 0, not unique or primary)
    when the statistics window is at least MIN_UNUSED_WINDOW_DAYS and the table was read in it."""
    definitions = _index_definitions(conn)
    result = IndexHygiene()
    window = catalog.stats_window
    long_enough = window is not None and window.covers_cycle()
    unjudged = 0
    for table in catalog.tables:
        redundant: set[str] = set()
        for index, why in _duplicates(table):
            definition = definitions.get((table.schema_name, index.name), "")
            result.findings.append(_drop_finding(catalog, table, index, "duplicate_index", why, definition))
            redundant.add(index.name)
        unscanned = [
            i for i in table.indexes
            if i.scans == 0 and not (i.unique or i.primary) and i.name not in redundant
        ]
        if not unscanned:
            continue
        if not long_enough:
            unjudged += len(unscanned)
            continue
        assert window is not None
        reads = (table.seq_scans or 0) + (table.index_scans or 0)
        if reads < MIN_READS_PER_DAY * window.days:
            result.notes.append(
                f"{qualified_name(table)} was read {reads:,} times in {window.phrase()} (seq_scan + "
                f"idx_scan, under {MIN_READS_PER_DAY:g} a day): too little workload seen, so its "
                f"{len(unscanned)} unscanned index(es) are not judged unused"
            )
            continue
        for index in unscanned:
            why = (
                f"{index.name} on {qualified_name(table)} was not scanned in {window.phrase()} "
                f"(idx_scan = 0, while the table was read {reads:,} times) yet costs "
                f"{(index.size_bytes or 0) / 1048576:.1f} MB and slows writes"
            )
            definition = definitions.get((table.schema_name, index.name), "")
            counted = {"stats_window_days": round(window.days, 2), "table_reads": float(reads)}
            result.findings.append(
                _drop_finding(catalog, table, index, "unused_index", why, definition, counted)
            )
    if unjudged:
        result.notes.insert(0, _window_note(window, unjudged))
    return result
