"""Which endpoints run a SQL statement, from the database spans of traces (by statement fingerprint)."""

from __future__ import annotations

from collections import defaultdict

from perfpilot.artifacts import Finding
from perfpilot.evidence.models import Trace
from perfpilot.skills.profiling.attribution import endpoint_of
from perfpilot.workload.fingerprint import fingerprint

STATEMENT_KEYS = ("db.statement", "db.query.text")


def statement_endpoints(traces: list[Trace]) -> dict[str, frozenset[str]]:
    """Statement fingerprint -> the endpoints whose traces ran it."""
    found: dict[str, set[str]] = defaultdict(set)
    for trace in traces:
        endpoint = endpoint_of(trace)
        for span in trace.spans:
            text = next((span.attributes[k] for k in STATEMENT_KEYS if k in span.attributes), None)
            if isinstance(text, str) and text.strip():
                found[fingerprint(text)].add(endpoint)
    return {k: frozenset(v) for k, v in found.items()}


def endpoints_running(
    finding: Finding, by_statement: dict[str, frozenset[str]], names: list[str]
) -> tuple[str, ...]:
    """Endpoints whose traced database spans ran a statement the finding's evidence quotes."""
    if not by_statement:
        return ()
    hit: set[str] = set()
    for ref in finding.evidence:
        if ref.excerpt:
            hit |= by_statement.get(fingerprint(ref.excerpt), frozenset())
    return tuple(n for n in sorted(names) if n in hit)
