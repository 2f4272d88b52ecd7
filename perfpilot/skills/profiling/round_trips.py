"""Time between the calls of a repeated database statement in one request: the access pattern's overhead.

When a request runs one statement shape again and again in a row (an N+1 loop), the time between two of
those calls is spent issuing the next one: the driver, the per-row mapping, the loop. No span measures it,
so it would count as application time, yet it exists only because of the round trips and goes away
with them when the calls are batched. It is database-layer time caused by the access pattern. Counted:
gaps between consecutive database calls of one shape, in runs of at least MIN_RUN calls, minus the part
that other spans starting in the gap (traced application work, outbound calls) cover.
"""

from __future__ import annotations

from itertools import pairwise

from perfpilot.evidence.models import Span
from perfpilot.skills.dependency_analysis.calls import is_database, uncovered_ns
from perfpilot.workload.fingerprint import fingerprint

MIN_RUN = 5
"""Calls of one shape in a row that make a repeated access pattern (the N+1 detector's default)."""
STATEMENT_KEYS = ("db.statement", "db.query.text")


def _shape(span: Span) -> str:
    text = next((span.attributes[k] for k in STATEMENT_KEYS if k in span.attributes), None)
    return fingerprint(text) if isinstance(text, str) and text.strip() else f"name:{span.name}"


def _runs(calls: list[Span]) -> list[list[Span]]:
    runs: list[list[Span]] = []
    for call in calls:
        if runs and _shape(runs[-1][-1]) == _shape(call):
            runs[-1].append(call)
        else:
            runs.append([call])
    return [run for run in runs if len(run) >= MIN_RUN]


def round_trip_gaps_ns(spans: list[Span]) -> int:
    """Nanoseconds between consecutive calls of one repeated statement shape that no other span covers."""
    calls = sorted((s for s in spans if is_database(s)), key=lambda s: (s.start_ns, s.end_ns))
    others = [s for s in spans if not is_database(s)]
    total = 0
    for run in _runs(calls):
        for before, after in pairwise(run):
            if after.start_ns > before.end_ns:
                total += uncovered_ns(before.end_ns, after.start_ns, others)
    return total
