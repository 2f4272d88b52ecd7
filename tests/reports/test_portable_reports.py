"""Every report of the bundled example is free of machine paths; its own files are linked relative to it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from perfpilot.artifacts.report import RunReport
from perfpilot.artifacts.validation import ValidationReport
from perfpilot.reports.portable import portable

MACHINE_ROOTS = ("/work", "/tmp", "/home", "/root", "/var/folders")


@pytest.mark.parametrize("name", ["report.json", "report.md", "report.html", "report.sarif"])
def test_no_report_holds_a_machine_path(example_reports: Path, name: str) -> None:
    text = (example_reports / name).read_text(encoding="utf-8")
    assert str(example_reports) not in text
    for root in MACHINE_ROOTS:
        assert root + "/" not in text, f"{name} holds a path under {root}"


def test_files_under_the_report_folder_are_relative_to_it(example_reports: Path) -> None:
    report = json.loads((example_reports / "report.json").read_text())
    artifacts = report["validation"]["artifacts"]
    assert artifacts == [
        "work/observability/grafana-dashboard.json",
        "work/observability/prometheus-alerts.yml",
    ]
    assert all((example_reports / a).is_file() for a in artifacts)
    sources = {e["source"] for f in report["root_cause"]["findings"] for e in f["evidence"]}
    assert "ddl:schema.sql" in sources  # the target's own file, relative to the target's folder


def test_portable_prefers_the_longest_folder(tmp_path: Path) -> None:
    target_dir = tmp_path / "target"
    out = target_dir / "out"
    report = RunReport(
        run_id="r",
        target="t",
        status="projected",
        validation=ValidationReport(artifacts=[f"{out}/work/gate.js", f"see {target_dir}/schema.sql"]),
    )
    assert portable(report, out, target_dir).validation.artifacts == [  # type: ignore[union-attr]
        "work/gate.js",
        "see schema.sql",
    ]
