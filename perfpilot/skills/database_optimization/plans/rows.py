"""Row counts of PostgreSQL plan nodes across loops and parallel processes (what EXPLAIN's figures mean).

Actual rows: PostgreSQL documents (14.1.2 "EXPLAIN ANALYZE", https://www.postgresql.org/docs/15/
using-explain.html) that when a node runs more than once "the loops value reports the total number of
executions of the node, and the actual time and rows values shown are averages per-execution ...
Multiply by the loops value to get the total". Under a Gather or Gather Merge each process that runs
the parallel part counts one loop: the workers launched plus the leader when it takes part
(parallel_leader_participation, on by default; docs 15.1 "How Parallel Query Works"). So a node's rows in all
are Actual Rows x Actual Loops, and so are "Rows Removed by Filter" (also printed per loop). The
average is rounded to a whole row before it is printed (PostgreSQL 15), so the product can be short by
up to loops - 1 rows; the Gather above sums the processes' rows exactly, so the node right under a
Gather takes its total from the Gather.

Planned rows: in the parallel part of a plan the planner's row estimate is per process. It divides the
relation's rows by a "parallel divisor" (src/backend/optimizer/path/costsize.c, get_parallel_divisor):
the workers planned, plus the leader's expected share 1 - 0.3 x workers when that is positive and the
leader participates. With 2 workers that is 2.4: a Parallel Seq Scan planned at 125,000 rows expects
300,000 in all.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

GATHER_NODES = frozenset({"Gather", "Gather Merge"})
LEADER_SHARE_PER_WORKER = 0.3
"""How much of the leader's time each worker is expected to take (costsize.c)."""


def parallel_divisor(workers: int, leader_participates: bool = True) -> float:
    """How many processes' worth of rows the planner spreads a parallel scan over."""
    divisor = float(workers)
    if leader_participates:
        leader = 1.0 - LEADER_SHARE_PER_WORKER * workers
        if leader > 0:
            divisor += leader
    return max(divisor, 1.0)


@dataclass(frozen=True)
class NodeRows:
    """One node's rows: as printed (per loop, per process) and in all."""

    planned: float
    """Plan Rows as printed: per execution, and per process in a parallel part."""
    planned_total: float
    """The planner's rows across the processes of a parallel part (planned x divisor), else planned;
    for a node run once per outer row (a nested loop's inner side, a subplan) its rows per run."""
    repeated: bool
    """The node runs once per outer row (a nested loop's inner side or a subplan), not once per process."""
    processes: float
    """The parallel divisor of the Gather above (1.0 outside a parallel part)."""
    workers_planned: int
    """Workers planned by the Gather above (0 outside a parallel part)."""
    actual: float | None
    """Actual Rows as printed (the per-loop average), None without ANALYZE."""
    loops: float
    actual_total: float | None
    """Actual Rows x Actual Loops."""
    removed_total: float
    """Rows Removed by Filter x Actual Loops."""

    @property
    def parallel(self) -> bool:
        """The node runs in the parallel part of a plan (under a Gather)."""
        return self.workers_planned > 0

    @property
    def once_per_process(self) -> bool:
        """Each process ran the node once (not the inner side of a loop): totals compare with estimates."""
        return not self.repeated and self.loops <= max(self.processes, 1.0) + 1.0


def number(node: dict[str, Any], key: str) -> float:
    """A numeric plan field (JSON numbers, or numeric text from the text format), else 0."""
    value = node.get(key)
    if isinstance(value, bool):
        return 0.0
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return 0.0
    return 0.0


def _leader_participates(settings: dict[str, Any] | None) -> bool:
    return str((settings or {}).get("parallel_leader_participation", "on")).lower() not in {"off", "false"}


def node_rows(
    node: dict[str, Any], workers_planned: int, leader_participates: bool = True,
    gathered: float | None = None, repeated: bool = False,
) -> NodeRows:
    """The rows of `node`, which sits under a Gather planning `workers_planned` workers (0: none);
    `gathered`: the exact rows of the Gather right above it, when it is one and ran once."""
    processes = parallel_divisor(workers_planned, leader_participates) if workers_planned else 1.0
    planned = number(node, "Plan Rows")
    loops = number(node, "Actual Loops")
    analyzed = "Actual Rows" in node
    actual = number(node, "Actual Rows") if analyzed else None
    return NodeRows(
        planned=planned,
        planned_total=planned if repeated else planned * processes,
        repeated=repeated,
        processes=processes,
        workers_planned=workers_planned,
        actual=actual,
        loops=loops,
        actual_total=(gathered if gathered is not None else actual * loops) if actual is not None else None,
        removed_total=number(node, "Rows Removed by Filter") * loops,
    )


def walk_rows(
    plan: dict[str, Any], settings: dict[str, Any] | None = None
) -> Iterator[tuple[dict[str, Any], int, NodeRows]]:
    """Every node with its depth and rows; `settings` is EXPLAIN (SETTINGS)'s "Settings" object, if any."""
    leader = _leader_participates(settings)

    Walked = Iterator[tuple[dict[str, Any], int, NodeRows]]

    def visit(
        node: dict[str, Any], depth: int, workers: int, gathered: float | None, repeated: bool
    ) -> Walked:
        repeated = repeated or node.get("Parent Relationship") == "SubPlan"
        yield node, depth, node_rows(node, workers, leader, gathered, repeated)
        gather = node.get("Node Type") in GATHER_NODES
        below = int(number(node, "Workers Planned")) if gather else workers
        children = [child for child in node.get("Plans", []) or [] if isinstance(child, dict)]
        exact = (
            number(node, "Actual Rows")
            if gather and len(children) == 1 and "Actual Rows" in node and number(node, "Actual Loops") == 1
            else None
        )
        loop = node.get("Node Type") == "Nested Loop"
        for index, child in enumerate(children):
            yield from visit(child, depth + 1, below, exact, repeated or (loop and index > 0))

    yield from visit(plan, 0, 0, None, False)


STOPPING_NODES = frozenset({"Limit"})


def walk_plan(
    plan: dict[str, Any], settings: dict[str, Any] | None = None
) -> Iterator[tuple[dict[str, Any], int, NodeRows, bool]]:
    """walk_rows, and whether a Limit above each node may stop it early (its actual rows then say how
    many the Limit wanted, not how many there were)."""
    above: list[tuple[int, bool]] = []  # (depth, whether the nodes below it may be stopped early)
    for node, depth, rows in walk_rows(plan, settings):
        while above and above[-1][0] >= depth:
            above.pop()
        stopped = bool(above) and above[-1][1]
        yield node, depth, rows, stopped
        above.append((depth, stopped or node.get("Node Type") in STOPPING_NODES))
