"""pr-comment.md: the run's verdict, exit code, ranked findings and plan, short enough for a PR comment."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from perfpilot.artifacts.findings import rank_findings
from perfpilot.artifacts.report import RunReport
from perfpilot.artifacts.validation import MetricComparison, ValidationReport
from perfpilot.cli.app import app
from perfpilot.reports.pr_comment import MARKER, MAX_CHARS, MAX_FINDINGS, render


def _loaded(example_reports: Path) -> RunReport:
    return RunReport.model_validate(json.loads((example_reports / "report.json").read_text(encoding="utf-8")))


def test_the_comment_of_the_recorded_example(example_reports: Path) -> None:
    report = _loaded(example_reports)
    text = render(report)
    lines = text.splitlines()
    assert lines[0] == MARKER and lines[1] == "### perfpilot: checkout-api"
    assert "**Projected only" in lines[3] and "exit code 4" in lines[3] and f"`{report.run_id}`" in lines[3]
    ranked = rank_findings(report.all_findings())
    assert len(ranked) > MAX_FINDINGS
    shown = [line.split("`")[1] for line in lines if line.startswith("| `")]
    assert shown == [f.id for f in ranked[:MAX_FINDINGS]]
    assert f"…and {len(ranked) - MAX_FINDINGS} more in report.md." in lines
    # projected: no target is said to be met, only that it would be if the projections hold
    assert "targets would be met if the projections hold (not measured): nothing was measured after" in text
    assert "| target | before | after (projected) | target | met (projected) |" in lines
    assert "targets met" not in text
    assert report.plan is not None
    by_id = {c.id: c for c in report.plan.changes}
    first = by_id[report.plan.deployment_sequence[0]]
    assert f"1. {first.title} (`{first.id}`, {first.kind}, risk {first.risk})" in lines


def test_a_measured_run_says_targets_met_and_lists_what_was_applied(example_reports: Path) -> None:
    measured = ValidationReport(
        method="measured",
        targets_met_share=0.5,
        comparisons=[
            MetricComparison(metric="p95_ms:overall", before=500, after=90, target=100, met=True),
            MetricComparison(metric="error_rate:overall", before=0.01, after=None, target=0.01, met=None),
        ],
    )
    report = _loaded(example_reports).model_copy(
        update={"status": "acceptable", "validation": measured, "applied": ["chg-1 (sandbox copy /tmp/x)"]}
    )
    lines = render(report).splitlines()
    assert "**Validation (measured)**: 1 of 2 targets met beyond noise, 1 undecided" in lines
    assert "| p95_ms:overall | 500 | 90 | 100 | met |" in lines
    assert "| error_rate:overall | 0.01 | – | 0.01 | undecided: no data |" in lines
    assert lines[lines.index("**Applied**") + 2] == "- chg-1 (sandbox copy /tmp/x)"


def test_secrets_are_masked_and_the_length_is_bounded(example_reports: Path) -> None:
    secret = "postgresql://app:Pl4ntedS3cretXyz@db:5432/shop"
    report = _loaded(example_reports).model_copy(
        update={"status": "escalated", "escalation": secret + " " + "x" * (2 * MAX_CHARS)}
    )
    text = render(report)
    assert "Pl4ntedS3cretXyz" not in text and "postgresql://app:" in text
    assert len(text) < MAX_CHARS + 100 and text.endswith("…(cut: see report.md)\n")


def test_perfpilot_report_renders_the_comment_from_report_json(example_reports: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.json").write_bytes((example_reports / "report.json").read_bytes())
    result = CliRunner().invoke(app, ["report", str(out), "--format", "pr-comment"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(out / "pr-comment.md")
    assert (out / "pr-comment.md").read_text(encoding="utf-8") == render(_loaded(example_reports))
    wrong = CliRunner().invoke(app, ["report", str(out), "--format", "comment"])
    assert wrong.exit_code == 2 and "choose from md, html, sarif, pr-comment" in wrong.stderr
