"""The scoreboard: a markdown table of results and a line per incident saying what was missed."""

from __future__ import annotations

from perfpilot.evals import expected_vs_got
from perfpilot.evals.results import IncidentResult

HEADER = (
    "| incident | status | path ok | bottleneck P/R | finding recall | false positives | remediation "
    "| tokens per step / budget | model calls | wall time | score |"
)


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _flag(value: bool | None) -> str:
    return "-" if value is None else ("yes" if value else "no")


def _tokens(result: IncidentResult) -> str:
    cells = [
        f"{s.name[:4]} {s.tokens_used}/{s.token_budget}" + (" OVER" if s.over_budget else "")
        for s in result.steps
    ]
    return ", ".join(cells) or "-"


def row(result: IncidentResult) -> str:
    if not result.valid:
        return f"| {result.id} | INVALID | - | - | - | - | - | - | - | - | 0.00 |"
    status = result.status or "error"
    if result.status_ok is False:
        status += " (x)"
    bottlenecks = f"{_num(result.bottleneck_precision)}/{_num(result.bottleneck_recall)}"
    return (
        f"| {result.id} | {status} | {_flag(result.path_ok)} | {bottlenecks} | {_num(result.finding_recall)} "
        f"| {len(result.false_positives)} | {_num(result.remediation_score)} | {_tokens(result)} "
        f"| {result.model_calls} | {result.wall_time_s:.2f}s | {result.score:.2f} |"
    )


def miss_lines(results: list[IncidentResult]) -> list[str]:
    """`id: what was missed` for every miss, in incident order."""
    return [f"{r.id}: {miss}" for r in results for miss in r.misses]


def render_summary(results: list[IncidentResult]) -> str:
    """The summary.md text: totals, the scores table, expected vs got per incident, and the misses."""
    valid = [r for r in results if r.valid]
    mean = sum(r.score for r in results) / len(results) if results else 0.0
    perfect = sum(1 for r in results if r.valid and not r.misses)
    lines = [
        f"{len(results)} incident(s), {len(results) - len(valid)} invalid, {perfect} with nothing missed; "
        f"mean score {mean:.2f}.",
        expected_vs_got.recorded_line(results),
        "",
        HEADER,
        "|" + "---|" * 11,
        *(row(r) for r in results),
        "",
        "Expected vs got ((x): a miss; right = layers, required findings, no forbidden finding, status):",
        "",
        *expected_vs_got.render_table(results),
        "",
    ]
    misses = miss_lines(results)
    lines += ["What was missed:", "", *(f"- {m}" for m in misses)] if misses else ["Nothing was missed."]
    return "\n".join(lines) + "\n"


START_MARK = "<!-- eval-summary:start -->"
END_MARK = "<!-- eval-summary:end -->"


def splice_summary(document: str, summary: str) -> str:
    """The document with the text between the eval-summary markers replaced by the summary."""
    head, found, rest = document.partition(START_MARK)
    _, found_end, tail = rest.partition(END_MARK)
    if not found or not found_end:
        raise ValueError(f"the document has no {START_MARK} ... {END_MARK} section")
    return f"{head}{START_MARK}\n{summary}{END_MARK}{tail}"
