"""The expected-vs-got table of the scoreboard, and the share of recorded incidents perfpilot gets right."""

from __future__ import annotations

from perfpilot.evals.checks import Aspect, Check
from perfpilot.evals.results import IncidentResult

HEADER = (
    "| incident | layers expected -> got | required findings | forbidden findings "
    "| status expected -> got | tier expected -> got | right |"
)
COLUMNS: tuple[Aspect, ...] = ("layers", "finding", "forbidden", "status", "tier")


def _cell(checks: list[Check], aspect: Aspect) -> str:
    shown = [
        f"{c.expected} -> {c.got}{'' if c.ok else ' (x)'}" for c in checks if c.aspect == aspect
    ]
    return "; ".join(shown).replace("|", "\\|") or "-"


def row(result: IncidentResult) -> str:
    name = result.id + (" (recorded)" if result.recorded_by else "")
    if not result.valid or result.status is None:
        why = "INVALID" if not result.valid else "run failed"
        return f"| {name} | {why} | - | - | - | - | no |"
    cells = " | ".join(_cell(result.checks, aspect) for aspect in COLUMNS)
    return f"| {name} | {cells} | {'yes' if result.right else 'no'} |"


def recorded_line(results: list[IncidentResult]) -> str:
    """`k of n recorded incidents right`, over the incidents that name their recording script."""
    recorded = [r for r in results if r.recorded_by]
    if not recorded:
        return "No incident recorded from real components (none sets recorded_by)."
    right = sum(1 for r in recorded if r.right)
    return (
        f"Recorded incidents (recorded_by set): {right} of {len(recorded)} right "
        f"({right / len(recorded):.0%}): bottleneck layers, every required finding, no forbidden finding "
        "and the status all as expected."
    )


def render_table(results: list[IncidentResult]) -> list[str]:
    """The table's lines: one row per incident, each stated expectation as `expected -> got`."""
    return [HEADER, "|" + "---|" * 7, *(row(r) for r in results)]
