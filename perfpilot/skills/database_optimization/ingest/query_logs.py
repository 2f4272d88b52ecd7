"""Session-tagged statement streams of the target's query logs, for N+1 detection."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from perfpilot.skills.database_optimization.catalog.models import Catalog
from perfpilot.skills.database_optimization.nplusone.detect import NPlusOne, detect_in_events
from perfpilot.skills.database_optimization.shapes.models import ShapeDialect
from perfpilot.target.spec import Target
from perfpilot.workload.events import QueryEvent

SESSIONLESS_FORMATS = frozenset({"pg_stat_statements", "sql"})


def _label(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def log_n_plus_one(
    target: Target, traced: bool, dialect: ShapeDialect, min_repeats: int, catalog: Catalog | None,
    notes: list[str],
) -> list[tuple[NPlusOne, float]]:
    """N+1 patterns in the target's session-tagged query logs, each with its own log's statement time.
    Files already loaded as traces (`traced`) are left to the trace scan."""
    from perfpilot.workload.errors import WorkloadError
    from perfpilot.workload.ingest import iter_events, resolve_format

    found: list[tuple[NPlusOne, float]] = []

    def timed(events: Iterator[QueryEvent], total: list[float]) -> Iterator[QueryEvent]:
        for event in events:
            total[0] += event.duration_s or 0.0
            yield event

    trace_files = {p.resolve() for p in target.evidence.traces} if traced else set()
    for source in target.evidence.workload:
        if source.path is None or source.path.resolve() in trace_files:
            continue
        try:
            chosen = resolve_format(source.path, source.format)
            if chosen in SESSIONLESS_FORMATS:
                continue
            total = [0.0]
            events = timed(iter_events(source.path, chosen), total)
            label = _label(source.path, target.root)
            patterns = detect_in_events(events, label, dialect, min_repeats=min_repeats, catalog=catalog)
            found += [(pattern, total[0]) for pattern in patterns]
        except (WorkloadError, OSError) as exc:
            notes.append(f"N+1 scan skipped {source.path.name}: {str(exc)[:200]}")
    return found
