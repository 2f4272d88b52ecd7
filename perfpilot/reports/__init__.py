"""Report writers: report.json (the RunReport), report.md and report.html for people, SARIF for scanners."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from perfpilot.artifacts.report import RunReport
from perfpilot.reports.json_report import write_json
from perfpilot.reports.markdown import write_markdown
from perfpilot.reports.portable import portable
from perfpilot.reports.pr_comment import write_pr_comment
from perfpilot.reports.sarif import write_sarif

FORMATS = ("json", "md", "html", "sarif", "pr-comment")
DEFAULT_FORMATS = ("json", "md", "html", "sarif")
REPORT_FILES = ("report.json", "report.md", "report.html", "report.sarif", "pr-comment.md")


def _write_html(report: RunReport, path: Path) -> None:
    from perfpilot.reports.html import write_html  # jinja2 loads only when a page is written

    write_html(report, path)


WRITERS: dict[str, tuple[Callable[[RunReport, Path], None], str]] = {
    "json": (write_json, "report.json"),
    "md": (write_markdown, "report.md"),
    "html": (_write_html, "report.html"),
    "sarif": (write_sarif, "report.sarif"),
    "pr-comment": (write_pr_comment, "pr-comment.md"),
}


def remove_stale_reports(out_dir: Path) -> list[Path]:
    """Remove reports an earlier run left in out_dir, so none is mistaken for this run's."""
    removed = [out_dir / name for name in REPORT_FILES if (out_dir / name).is_file()]
    for path in removed:
        path.unlink()
    return removed


def write_reports(
    report: RunReport,
    out_dir: Path,
    formats: tuple[str, ...] = DEFAULT_FORMATS,
    target_dir: Path | None = None,
) -> list[Path]:
    """Write the requested formats into out_dir, every path in them relative (see `portable`)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    report = portable(report, out_dir, target_dir)
    written = []
    for fmt in formats:
        writer, name = WRITERS[fmt]
        path = out_dir / name
        writer(report, path)
        written.append(path)
    return written
