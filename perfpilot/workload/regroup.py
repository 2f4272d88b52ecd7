"""Shapes regrouped under pt-query-digest's classes (`--fingerprint pt`): totals of merged shapes summed."""

from __future__ import annotations

from perfpilot.workload.aggregate import ShapeTotals
from perfpilot.workload.fingerprint_pt import pt_fingerprint


def regroup_shapes(shapes: dict[str, ShapeTotals], rules: str) -> dict[str, ShapeTotals]:
    """`shapes` under the fingerprints of `rules` ("perfpilot": unchanged; "pt": pt-query-digest's
    classes), in first-seen order; shapes that fall into one class have their totals merged."""
    if rules == "perfpilot":
        return shapes
    if rules != "pt":
        raise ValueError(f"unknown fingerprint rules {rules!r} (perfpilot or pt)")
    regrouped: dict[str, ShapeTotals] = {}
    for text, totals in shapes.items():
        key = pt_fingerprint(text)
        kept = regrouped.get(key)
        if kept is None:
            regrouped[key] = totals
            continue
        last_seen = max(filter(None, (kept.last_seen, totals.last_seen)), default=None)
        first_seen = min(filter(None, (kept.first_seen, totals.first_seen)), default=None)
        kept.merge(totals)
        kept.first_seen, kept.last_seen = first_seen, last_seen
    return regrouped
