"""Workload-level index advice: candidates, what-if costs (HypoPG, SQLite sandbox, heuristic), greedy pick."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

import structlog

from perfpilot.artifacts import Finding
from perfpilot.skills.database_optimization.catalog.models import Catalog
from perfpilot.skills.database_optimization.findings.hygiene import (
    index_hygiene_findings,
    stale_statistics_findings,
)
from perfpilot.skills.database_optimization.findings.missing_index import missing_index_finding
from perfpilot.skills.database_optimization.findings.plan_issues import plan_issue_findings
from perfpilot.skills.database_optimization.indexes.candidates import (
    IndexCandidate,
    QueryUse,
    analyse_shape,
    generate_candidates,
)
from perfpilot.skills.database_optimization.indexes.evaluator import open_evaluator
from perfpilot.skills.database_optimization.indexes.keys import canonical_key
from perfpilot.skills.database_optimization.indexes.models import Advice, IndexRecommendation, QueryCostChange
from perfpilot.skills.database_optimization.indexes.selection import GreedySelector, Selection
from perfpilot.skills.database_optimization.indexes.whatif import WhatIf
from perfpilot.skills.database_optimization.indexes.write_load import WriteCharges, write_charges
from perfpilot.skills.database_optimization.plans.workload import explain_workload
from perfpilot.workload.models import QueryShape

log = structlog.get_logger(__name__)

def _write_charges(uses: list[QueryUse], catalog: Catalog) -> WriteCharges:
    """The workload's write statements and reads per table, with the tables' counted write loads."""
    writes: dict[str, float] = {}
    reads: dict[str, float] = {}
    for use in uses:
        if use.written_table:
            writes[use.written_table] = writes.get(use.written_table, 0.0) + use.count
        if use.kind != "insert":
            for table in use.tables:
                reads[table] = reads.get(table, 0.0) + use.count
    return write_charges(catalog, writes, reads)


def _write_penalty(charges: WriteCharges) -> Callable[[IndexCandidate], float]:
    """Per-candidate write overhead: the rows written to its table charged INDEX_WRITE_COST each."""

    def penalty(candidate: IndexCandidate) -> float:
        return charges.penalty(candidate.table)

    return penalty


def _priced(uses: list[QueryUse], whatif: WhatIf, notes: list[str]) -> list[QueryUse]:
    """The queries the evaluator can price (INSERTs and unexplainable statements are left out)."""
    candidates = [use for use in uses if use.kind != "insert" and use.tables]
    try:
        whatif.evaluate_many([(use, frozenset()) for use in candidates])
        return candidates
    except Exception:  # find which statement the database rejects; the others are still priced
        pass
    kept: list[QueryUse] = []
    for use in candidates:
        try:
            whatif.cost(use, frozenset())
        except Exception as exc:  # a statement the database rejects must not stop the advice
            notes.append(f"shape {use.shape_id}: cannot be explained ({str(exc).splitlines()[0][:200]})")
            continue
        kept.append(use)
    return kept


def redundant_with(candidate: IndexCandidate, catalog: Catalog) -> list[str]:
    """Existing plain B-tree indexes (not unique, not partial) whose keys lead the candidate's: once
    the candidate exists they only cost writes and space (the consolidation a DBA does by hand)."""
    table = catalog.table(candidate.table)
    if table is None:
        return []
    return sorted(
        index.name
        for index in table.indexes
        if index.method == "btree" and not (index.unique or index.primary or index.partial)
        and len(index.columns) < len(candidate.columns)
        and tuple(canonical_key(c, catalog.dialect) for c in index.columns)
        == candidate.columns[: len(index.columns)]
    )


def _recommendations(
    selection: Selection, uses: list[QueryUse], whatif: WhatIf, dialect: str, total: float,
    charges: WriteCharges,
) -> list[IndexRecommendation]:
    recommendations = []
    final = frozenset(selection.chosen)
    whatif.evaluate_many([(u, final) for u in uses])
    for candidate in selection.chosen:
        name = candidate.index_name()
        schema = candidate.table.rsplit(".", 1)[0] + "." if "." in candidate.table else ""
        concurrently = "CONCURRENTLY " if dialect == "postgres" else ""
        if_not_exists = "" if dialect == "mysql" else "IF NOT EXISTS "  # MySQL has no IF [NOT] EXISTS here
        include = f" INCLUDE ({', '.join(candidate.include)})" if candidate.include else ""
        queries = [
            QueryCostChange(
                shape_id=u.shape_id,
                cost_before=round(selection.base_costs[u.shape_id], 2),
                cost_after=round(selection.final_costs[u.shape_id], 2),
                count=u.count,
            )
            for u in uses
            if candidate in whatif.evaluate(u, final)[1]
        ]
        recommendations.append(
            IndexRecommendation(
                table=candidate.table,
                columns=list(candidate.columns),
                include=list(candidate.include),
                name=name,
                ddl=f"CREATE INDEX {concurrently}{if_not_exists}{name} ON {candidate.table} "
                f"({candidate.key_list(dialect)}){include};",
                rollback=f"DROP INDEX {name} ON {candidate.table};" if dialect == "mysql"
                else f"DROP INDEX {concurrently}IF EXISTS {schema}{name};",
                workload_cost_reduction=min(1.0, max(0.0, selection.benefit_of.get(candidate, 0.0) / total)),
                queries=queries,
                size_mb=round(whatif.size_bytes(candidate) / 1048576, 2),
                method=whatif.method,
                makes_redundant=redundant_with(candidate, whatif.catalog),
                write_load=charges.sentence(candidate.table),
            )
        )
    return recommendations


def advise(
    shapes: list[QueryShape],
    catalog: Catalog,
    *,
    dsn: str | None,
    dialect: str,
    storage_budget_mb: float | None = None,
    min_benefit: float = 0.01,
    max_columns: int = 2,
    covering: bool = True,
    explain_plans: bool = True,
    workload_time_s: float | Mapping[str, float] | None = None,
) -> Advice:
    """Recommend indexes for a workload of query shapes (frequency = `count`, statement = `example`).

    With a PostgreSQL DSN the benefit is the planner's cost with HypoPG hypothetical indexes; with a
    SQLite DSN, indexes are built in a sandbox copy; with no DSN, a heuristic (method 'heuristic').
    Read-only against the target in every case. Findings come out in their final form: a missing-index
    finding per recommendation that serves a shape, its impact the served shapes' share of
    `workload_time_s`: one total for every shape, or per shape id the total of the workload that measured
    it (default: the shapes' own total time).
    """
    started = time.perf_counter()
    dialect = {"postgresql": "postgres", "pg": "postgres", "sqlite3": "sqlite"}.get(dialect, dialect)
    notes: list[str] = []
    parsed = [analyse_shape(shape, catalog, dialect) for shape in shapes]
    uses = [use for use in parsed if use is not None]
    notes.extend(f"shape {s.id}: SQL did not parse" for s, u in zip(shapes, parsed, strict=True) if u is None)
    findings: list[Finding] = stale_statistics_findings(catalog)
    with open_evaluator(catalog, dsn, dialect, notes) as whatif:
        priced = _priced(uses, whatif, notes)
        total = sum(whatif.cost(u, frozenset()) * u.count for u in priced) or 1.0
        charges = _write_charges(uses, catalog)
        selector = GreedySelector(
            priced,
            generate_candidates(priced, catalog, max_columns=max_columns, covering=covering),
            whatif,
            budget_bytes=storage_budget_mb * 1048576 if storage_budget_mb is not None else None,
            min_benefit=min_benefit,
            penalty=_write_penalty(charges),
        )
        selection = selector.best()
        recommendations = _recommendations(selection, priced, whatif, dialect, total, charges)
        if dsn is not None and dialect == "postgres" and whatif.method == "hypopg":
            hygiene = index_hygiene_findings(whatif.conn, catalog)  # type: ignore[attr-defined]
            findings.extend(hygiene.findings)
            notes[:0] = hygiene.notes  # first: the skill passes on only the first few advice notes
        by_id = {shape.id: shape for shape in shapes}
        time_s = workload_time_s if workload_time_s is not None else sum(s.total_time_s for s in shapes)
        if dsn is not None and explain_plans:
            for shape_id, report in explain_workload(priced, catalog, dsn, dialect, whatif):
                share = by_id[shape_id].share if shape_id in by_id else None  # within its own source
                findings.extend(plan_issue_findings(report, shape_id, catalog.source, share=share))
        findings.extend(
            missing_index_finding(r, by_id, time_s, catalog.source)
            for r in recommendations
            if any(q.shape_id in by_id for q in r.queries)  # an index no shape uses explains nothing
        )
        after = sum(selection.final_costs[u.shape_id] * u.count for u in priced)
        advice = Advice(
            recommendations=recommendations,
            findings=findings,
            workload_cost_before=round(total, 2),
            workload_cost_after=round(after, 2),
            method=whatif.method,
            whatif_calls=whatif.calls,
            runtime_s=round(time.perf_counter() - started, 3),
            notes=notes,
        )
    log.info(
        "index advice", method=advice.method, recommendations=len(recommendations), calls=advice.whatif_calls
    )
    return advice
