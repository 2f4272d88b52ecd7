"""Report writers: report.json (the RunReport), report.md for people, and SARIF for code scanners."""

from __future__ import annotations

from pathlib import Path

from perfpilot.artifacts.report import RunReport
from perfpilot.reports.json_report import write_json
from perfpilot.reports.markdown import write_markdown
from perfpilot.reports.sarif import write_sarif

REPORT_FILES = ("report.json", "report.md", "report.sarif")


def remove_stale_reports(out_dir: Path) -> list[Path]:
    """Remove reports an earlier run left in out_dir, so none is mistaken for this run's."""
    removed = [out_dir / name for name in REPORT_FILES if (out_dir / name).is_file()]
    for path in removed:
        path.unlink()
    return removed


def write_reports(
    report: RunReport, out_dir: Path, formats: tuple[str, ...] = ("json", "md", "sarif")
) -> list[Path]:
    """Write the requested formats into out_dir; returns the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    writers = {
        "json": (write_json, "report.json"),
        "md": (write_markdown, "report.md"),
        "sarif": (write_sarif, "report.sarif"),
    }
    written = []
    for fmt in formats:
        writer, name = writers[fmt]
        path = out_dir / name
        writer(report, path)
        written.append(path)
    return written
