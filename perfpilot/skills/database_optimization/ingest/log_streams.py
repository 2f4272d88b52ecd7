"""N+1 patterns in the query logs the run loaded: the statement streams of `evidence.workloads`."""

from __future__ import annotations

from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.evidence.load import source_label
from perfpilot.skills.database_optimization.catalog.models import Catalog
from perfpilot.skills.database_optimization.nplusone.detect import NPlusOne
from perfpilot.skills.database_optimization.nplusone.streams import detect_in_streams
from perfpilot.skills.database_optimization.shapes.models import ShapeDialect


def log_n_plus_one(
    evidence: EvidenceBundle, dialect: ShapeDialect, min_repeats: int, catalog: Catalog | None,
    notes: list[str],
) -> list[tuple[NPlusOne, float]]:
    """(pattern, all statement time of its log) for every loaded workload with statement streams.
    A file also loaded as traces is left to the trace scan, which names the endpoint."""
    target = evidence.target
    traced = {source_label(p, target.root) for p in target.evidence.traces} if evidence.traces else set()
    found: list[tuple[NPlusOne, float]] = []
    for digest in evidence.workloads:
        if digest.source in traced or not digest.streams:
            continue
        if digest.streams_truncated:
            notes.append(f"N+1 scan of {digest.source}: only the first statements of its sessions were kept")
        patterns = detect_in_streams(digest, dialect, min_repeats=min_repeats, catalog=catalog)
        found += [(pattern, digest.total_time_s) for pattern in patterns]
    return found
