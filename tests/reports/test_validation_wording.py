"""An acceptable run with one undecided target reads as both: the status, and what held across all targets."""

from __future__ import annotations

import pytest

from perfpilot.artifacts.report import RunReport
from perfpilot.artifacts.validation import ValidationReport, ValidationVerdict
from perfpilot.reports.html.verdict import verdict
from perfpilot.reports.markdown import render


def _report(status: str, all_targets: ValidationVerdict, undecided: list[str] | None) -> RunReport:
    validation = ValidationReport(
        method="measured", targets_met_share=0.875, verdict=all_targets, undecided=undecided
    )
    return RunReport(run_id="r", target="shop", status=status, validation=validation)  # type: ignore[arg-type]


def test_acceptable_beside_an_undecided_target_never_says_inconclusive() -> None:
    report = _report("acceptable", "inconclusive", ["p95_ms:top_products"])
    markdown = render(report)
    assert "**Acceptable (at least 80% of targets met, measured): keep monitoring**" in markdown
    assert "not every target could be decided (undecided: p95_ms:top_products)" in markdown
    assert "inconclusive" not in markdown.lower()
    facts = verdict(report).facts
    assert "Across all targets: not every target could be decided." in facts
    assert not any("inconclusive" in fact.lower() for fact in facts)


@pytest.mark.parametrize(
    ("all_targets", "words"),
    [
        ("met", "every target met beyond noise"),
        ("not_met", "at least one target missed beyond noise"),
        ("inconclusive", "not every target could be decided"),
    ],
)
def test_the_verdict_over_all_targets_in_words(all_targets: ValidationVerdict, words: str) -> None:
    assert f"Across all targets: {words}." in verdict(_report("acceptable", all_targets, None)).facts
    assert f"Targets met: 88%; {words}" in render(_report("acceptable", all_targets, None))
