"""What a validation says in words: counts of targets met, missed and undecided, never a share that leaves the
undecided out, and the verdict over all targets in words that cannot be read as the run's status."""

from __future__ import annotations

import pytest

from perfpilot.artifacts.report import RunReport, RunStatus
from perfpilot.artifacts.validation import MetricComparison, ValidationReport, ValidationVerdict
from perfpilot.chat.answers import validation as chat_validation
from perfpilot.reports.html.verdict import verdict
from perfpilot.reports.markdown import render
from perfpilot.reports.pr_comment import render as pr_comment


def _row(name: str, met: bool | None) -> MetricComparison:
    return MetricComparison(
        metric=f"p95_ms:{name}", before=120.0, after=20.0, target=50.0, met=met,
        verdict={True: "met_beyond_noise", False: "not_met_beyond_noise", None: "too_few_samples"}[met],
    )  # fmt: skip


def _report(
    status: RunStatus, all_targets: ValidationVerdict, met: int, missed: int, undecided: int
) -> RunReport:
    rows = [_row(f"m{i}", True) for i in range(met)] + [_row(f"x{i}", False) for i in range(missed)]
    rows += [_row(f"u{i}", None) for i in range(undecided)]
    judged = met + missed
    validation = ValidationReport(
        method="measured",
        comparisons=rows,
        targets_met_share=met / judged if judged else 1.0,  # what the validator computes: decided rows only
        verdict=all_targets,
        undecided=[r.metric for r in rows if r.met is None] or None,
    )
    return RunReport(run_id="r", target="shop", status=status, validation=validation)


def test_acceptable_beside_an_undecided_target_says_both_apart() -> None:
    report = _report("acceptable", "inconclusive", 8, 0, 1)
    markdown = render(report)
    assert "**Acceptable (at least 80% of targets met, measured): keep monitoring**" in markdown
    assert (
        "8 of 9 targets met beyond noise, 1 undecided; across all targets: not every target could be "
        "decided (undecided: p95_ms:u0)"
    ) in markdown
    assert "inconclusive" not in markdown.lower()
    facts = verdict(report).facts
    assert "8 of 9 targets met beyond noise, 1 undecided." in facts
    assert "Across all targets: not every target could be decided." in facts
    assert not any("inconclusive" in fact.lower() for fact in facts)


def test_undecided_targets_never_read_as_a_full_share() -> None:
    report = _report("inconclusive", "inconclusive", 3, 0, 6)  # the validator's share is 1.0 here
    texts = [render(report), pr_comment(report), chat_validation(report), " ".join(verdict(report).facts)]
    for text in texts:
        assert "3 of 9 targets met beyond noise, 6 undecided" in text
        assert "100%" not in text
    assert "  p95_ms:u0: 120.0 -> 20.0 (target 50.0, undecided: too few samples)" in texts[2]
    assert "| p95_ms:u0 | 120 | 20 | 50 | undecided: too few samples |" in texts[1]


@pytest.mark.parametrize(
    ("all_targets", "rows", "words"),
    [
        ("met", (9, 0, 0), "9 of 9 targets met beyond noise; across all targets: every target met"),
        ("not_met", (8, 1, 0), "8 of 9 targets met beyond noise, 1 missed; across all targets: at least one"),
    ],
)
def test_the_verdict_over_all_targets_in_words(
    all_targets: ValidationVerdict, rows: tuple[int, int, int], words: str
) -> None:
    report = _report("acceptable", all_targets, *rows)
    assert words in render(report)
    said = words.split(": ")[-1]
    assert any(fact.startswith(f"Across all targets: {said}") for fact in verdict(report).facts)


def test_a_projected_validation_has_no_measured_columns() -> None:
    rows = [MetricComparison(metric="p95_ms:overall", before=509.0, after=200.0, target=300.0, met=True)]
    projection = ValidationReport(method="projected", comparisons=rows)
    report = RunReport(run_id="r", target="shop", status="projected", validation=projection)
    lines = render(report).splitlines()
    assert "1 of 1 targets would be met if the projections hold (not measured)" in lines
    assert "| target | before | after (projected) | target | met (projected) |" in lines
    assert "| p95_ms:overall | 509 | 200 | 300 | met |" in lines
    assert not any("beyond noise" in line for line in lines)
