"""The markdown of the pgBadger benchmark: speed per CPU and wall, peak RSS, and class-by-class agreement."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from benchmarks.pgbadger_classes import Shape


@dataclass(frozen=True)
class Run:
    """One measured run of one tool."""

    name: str
    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    load_before: float


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):.1f} ({min(values):.1f}-{max(values):.1f})"


def _speed_rows(statements: int, runs: list[Run]) -> str:
    walls, cpus = [r.wall_s for r in runs], [r.cpu_s for r in runs]
    loads = [r.load_before for r in runs]
    return (
        f"| {runs[0].name} | {_spread(walls)} | {statements / statistics.median(walls):,.0f} | "
        f"{_spread(cpus)} | {statements / statistics.median(cpus):,.0f} | "
        f"{max(r.peak_rss_mb for r in runs):.0f} | {min(loads):.1f}-{max(loads):.1f} |"
    )


def _top(shapes: list[Shape], limit: int = 10) -> list[str]:
    lines = [
        "| rank | ours: count | ours: total s | pgBadger: count | pgBadger: total s | classes "
        "| fingerprint |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for rank, shape in enumerate(shapes[:limit], 1):
        count, total = (shape.ours.count, shape.ours.total_s) if shape.ours else (0, 0.0)
        lines.append(
            f"| {rank} | {count:,} | {total:.3f} | {shape.badger_count:,} | {shape.badger_total_s:.3f} | "
            f"{len(shape.badger)} | `{shape.fingerprint[:90]}` |"
        )
    return lines


def report(ours: list[Run], badger: list[Run], shapes: list[Shape]) -> str:
    """Speed table, then the comparison of classes (our shapes by total time, pgBadger's mapped on)."""
    statements = sum(s.ours.count for s in shapes if s.ours)
    badger_classes = sorted((c for s in shapes for c in s.badger), key=lambda c: -c.total_s)
    our_cpu = statistics.median(r.cpu_s for r in ours)
    badger_cpu = statistics.median(r.cpu_s for r in badger)
    our_wall = statistics.median(r.wall_s for r in ours)
    badger_wall = statistics.median(r.wall_s for r in badger)
    agreeing = [s for s in shapes if s.agrees()]
    by_badger = sorted(shapes, key=lambda s: (-s.badger_total_s, s.fingerprint))
    same_top = [s.fingerprint for s in shapes[:10]] == [s.fingerprint for s in by_badger[:10]]
    lines = [
        f"- statements (executions logged): ours {statements:,}, pgBadger "
        f"{sum(c.count for c in badger_classes):,}; classes: ours {sum(1 for s in shapes if s.ours)}, "
        f"pgBadger {len(badger_classes)}",
        "",
        f"{len(ours)} runs of each, alternating; median (min-max); CPU is user+sys of the child (wait4):",
        "",
        "| tool | wall s | statements/s (wall) | CPU s | statements per CPU s | peak RSS MB (max) "
        "| load avg before |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        _speed_rows(statements, ours),
        _speed_rows(statements, badger),
        "",
        f"- perfpilot per CPU second: {badger_cpu / our_cpu:.1f}x pgBadger's rate (CPU medians); wall "
        f"clock: {badger_wall / our_wall:.1f}x (no target is set for PostgreSQL logs)",
        f"- peak RSS: perfpilot {max(r.peak_rss_mb for r in ours):.0f} MB, pgBadger "
        f"{max(r.peak_rss_mb for r in badger):.0f} MB",
        f"- shapes where count and total time agree (to the microsecond per statement): "
        f"{len(agreeing)} of {len(shapes)}",
        f"- same top 10 in the same order (pgBadger's classes added up per shape): "
        f"{'yes' if same_top else 'NO'}",
        "",
        "Top 10 by total time (our shapes; pgBadger's classes mapped onto them by fingerprinting each "
        "class's sample with perfpilot, and added up where several map to one shape):",
        "",
        *_top(shapes),
        "",
        "pgBadger's own top 10 classes and our rank of each:",
        "",
    ]
    rank_of = {c.normalized: rank for rank, s in enumerate(shapes, 1) for c in s.badger}
    for rank, cls in enumerate(badger_classes[:10], 1):
        lines.append(f"{rank}. {cls.total_s:.3f} s, {cls.count:,}x `{cls.normalized[:90]}` -> our rank "
                     f"{rank_of[cls.normalized]}")
    merged = [s for s in shapes if len(s.badger) > 1]
    lines += ["", f"Shapes pgBadger splits ({len(merged)}):", ""]
    lines += [
        f"- `{s.fingerprint}` <- " + "; ".join(f"`{c.normalized}` ({c.count:,})" for c in s.badger)
        for s in merged
    ]
    disagreeing = [s for s in shapes if not s.agrees()]
    if disagreeing:
        lines += ["", "Shapes that disagree:", ""]
        lines += [
            f"- `{s.fingerprint}`: ours {s.ours.count if s.ours else 0:,} / "
            f"{s.ours.total_s if s.ours else 0.0:.6f} s, pgBadger {s.badger_count:,} / "
            f"{s.badger_total_s:.6f} s"
            for s in disagreeing
        ]
    return "\n".join(lines)
