"""Words for what reports show: finding titles that are never a bare hash, metric names, estimates."""

from __future__ import annotations

import math
import re

from perfpilot.artifacts.findings import ImpactEstimate
from perfpilot.artifacts.validation import (
    ChangeInterval,
    MetricComparison,
    ValidationReport,
    ValidationVerdict,
)
from perfpilot.figures import MINUS, change, plain, with_unit

_EMBEDDED_HASH = re.compile(r"\b(?=[0-9a-f]*\d)[0-9a-f]{12,}\b", re.IGNORECASE)
_HASH = re.compile(r"^(?:[a-z]+[-_:])?(?=[0-9a-f]*\d)[0-9a-f]{7,}$", re.IGNORECASE)


def is_bare_hash(text: str) -> bool:
    """True for a lone id such as 'db-66b8527ddc' or '3fa2b1c9e0' (hex with a digit, 7 long or more)."""
    return bool(_HASH.match(text.strip()))


def finding_title(title: str, kind: str, subject: str) -> str:
    """The title when it says something; otherwise the kind in words, on the subject when it is not a hash."""
    title = title.strip()
    head, _, tail = title.partition(": ")
    if tail.strip() and _EMBEDDED_HASH.search(head) and not _EMBEDDED_HASH.search(tail):
        return tail.strip()[0].upper() + tail.strip()[1:]  # 'Plan of 29f2...: full scan' -> 'Full scan'
    if title and not is_bare_hash(title):
        return title
    words = kind.replace("_", " ").strip().capitalize() or "Finding"
    return f"{words} on {subject}" if subject.strip() and not is_bare_hash(subject) else words


# A metric name's unit suffix; the figures beside it carry the unit already.
_UNIT_SUFFIX = re.compile(r"_(?:ms|s|mb|kb|bytes_per_min)$")
_NAMED = {"usd_month": "cost"}


def metric_words(metric: str) -> str:
    """'p95_ms:GET /orders' -> 'p95 (GET /orders)'; 'workload_time_s' -> 'workload time'."""
    name, _, subject = metric.partition(":")
    words = _NAMED.get(name) or _UNIT_SUFFIX.sub("", name).replace("_", " ")
    return f"{words} ({subject})" if subject else words


IDENTIFIER_UNITS = frozenset({"uid", "gid"})
"""Units of an identifier, not a quantity: no thousands separator, no relative change."""


def estimate_text(estimate: ImpactEstimate) -> str:
    """'workload time: 131 s → 25 s (−81%)': both figures with units, and the change they imply."""
    if estimate.unit in IDENTIFIER_UNITS:  # 'container uid: 0 → 10001'
        current_id, expected_id = (f"{v:g}" for v in (estimate.current, estimate.expected))
        return f"{metric_words(estimate.metric)}: {current_id} → {expected_id}"
    current, expected = (
        with_unit(estimate.current, estimate.unit),
        with_unit(estimate.expected, estimate.unit),
    )
    moved = change(estimate.current, estimate.expected)
    return f"{metric_words(estimate.metric)}: {current} → {expected} ({moved})"


# The validator's verdict is over every target; the run's status applies the workflow's 80% rule to the
# same rows, so "acceptable" beside one undecided or missed target is not a contradiction: say which is which.
_EVERY_TARGET = {
    "met": "every target met beyond noise",
    "not_met": "at least one target missed beyond noise",
    "inconclusive": "not every target could be decided",
}


def every_target_text(verdict: ValidationVerdict) -> str:
    """The validator's verdict over all targets, in words that cannot be read as the run's status."""
    return _EVERY_TARGET[verdict]


def targets_text(v: ValidationReport) -> str:
    """'3 of 9 targets met beyond noise, 6 undecided': counts, never a share that leaves the undecided out."""
    tally = v.tally()
    if not tally.total:
        return "no targets to judge"
    if v.method != "measured":
        return f"{tally.met} of {tally.total} targets would be met if the projections hold (not measured)"
    words = [f"{tally.met} of {tally.total} targets met beyond noise"]
    words += [f"{tally.missed} missed"] if tally.missed else []
    words += [f"{tally.undecided} undecided"] if tally.undecided else []
    return ", ".join(words)


def met_text(row: MetricComparison) -> str:
    """'met', 'not met', 'no target', or why it is undecided ('undecided: too few samples')."""
    if row.met is not None:
        return "met" if row.met else "not met"
    if row.target is None:
        return "no target"
    reason = (row.verdict or "no_data").replace("_", " ")
    return f"undecided: {reason}"


def _pct(log_ratio: float) -> str:
    value = (math.exp(log_ratio) - 1) * 100
    text = plain(abs(value), 2) if abs(value) < 10 else f"{round(abs(value)):,}"
    return "0%" if text == "0" else f"{MINUS if value < 0 else '+'}{text}%"


def interval_text(change: ChangeInterval | None, unit: str) -> str:
    """'−42% [−50%, −31%]; after 55–61 ms': a measured change with its 95% interval, then the after-value's
    (report.md and the HTML page)."""
    if change is None:
        return "–"
    if change.low is None or change.high is None:  # the after-value may still have its own interval
        text = f"{_pct(change.log_ratio)} (noise unknown)"
    else:
        text = f"{_pct(change.log_ratio)} [{_pct(change.low)}, {_pct(change.high)}]"
    if change.after_low is not None and change.after_high is not None:
        text += f"; after {value_range(change.after_low, change.after_high, unit)}"
    return text


def value_range(low: float, high: float, unit: str) -> str:
    """'55–61 ms', '980 ms–1.2 s': the unit once when both ends read in the same one."""
    low_text, high_text = with_unit(low, unit), with_unit(high, unit)
    number, _, low_unit = low_text.rpartition(" ")
    if number and low_unit == high_text.rpartition(" ")[2]:
        return f"{number}–{high_text}"
    return f"{low_text}–{high_text}"
