"""`perfpilot report OUTDIR`: re-render report.md, .html, .sarif or pr-comment.md from report.json."""

from __future__ import annotations

from pathlib import Path

import typer

from perfpilot.cli.errors import fail

RENDERED = ("md", "html", "sarif", "pr-comment")


def report(
    out: Path = typer.Argument(..., help="A run's report folder (the one holding report.json)"),
    formats: str = typer.Option(
        "md,html,sarif", "--format", help="Formats to re-render: md, html, sarif, pr-comment"
    ),
    open_page: bool = typer.Option(False, "--open", help="Open report.html in the default browser"),
) -> None:
    """Re-render the reports from report.json without re-running anything; prints the paths written."""
    import json
    import webbrowser

    from pydantic import ValidationError

    from perfpilot.artifacts.report import RunReport
    from perfpilot.reports import write_reports

    source = out / "report.json"
    chosen = tuple(f.strip() for f in formats.split(",") if f.strip())
    if not chosen or any(f not in RENDERED for f in chosen):
        fail(f"--format {formats!r}: choose from {', '.join(RENDERED)}")
    if not source.is_file():
        fail(f"{source}: not found (give the folder a run wrote its reports to)")
    try:
        loaded = RunReport.model_validate(json.loads(source.read_text(encoding="utf-8")))
    except json.JSONDecodeError as exc:
        fail(f"{source}:{exc.lineno}: not JSON: {exc.msg}")
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "(top level)"
        fail(f"{source}: field {field}: {first['msg']}")
    for path in write_reports(loaded, out, chosen):
        print(path)
    if open_page:
        page = out / "report.html"
        if not page.is_file():
            fail(f"{page}: not written (add html to --format)")
        webbrowser.open(page.resolve().as_uri())
