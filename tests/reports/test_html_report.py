"""report.html of the bundled example: self-contained, readable without JavaScript, accessible, in order."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from perfpilot.artifacts.report import RunReport
from perfpilot.cli.app import app
from perfpilot.reports.html import render_html

ENDPOINTS = [
    "overall",
    "GET /customers/{id}/orders",
    "GET /orders/{id}",
    "GET /products/search",
    "GET /products/{id}",
    "POST /checkout",
]


class Outline(HTMLParser):
    """Headings in order, external references, scripts, and each SVG with its accessible name."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[int] = []
        self.references: list[str] = []
        self.svgs: list[dict[str, str | None]] = []
        self.svg_titles = 0
        self._in_svg = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        for name in ("src", "href", "xlink:href"):
            if (value := found.get(name)) and not value.startswith(("#", "url(#")):
                self.references.append(value)
        if tag == "svg":
            self.svgs.append(found)
            self._in_svg += 1
        if tag == "title" and self._in_svg:
            self.svg_titles += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg":
            self._in_svg -= 1


@pytest.fixture(scope="module")
def page(example_reports: Path) -> str:
    return (example_reports / "report.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def outline(page: str) -> Outline:
    parsed = Outline()
    parsed.feed(page)
    return parsed


def test_the_page_needs_no_network(page: str, outline: Outline) -> None:
    assert "<link" not in page and "@import" not in page and "@font-face" not in page
    # every reference is a file of the report's own folder: no scheme, no absolute path
    assert outline.references
    assert all(not re.match(r"^[a-z]+:|^/", ref) for ref in outline.references), outline.references
    assert "default-src 'none'" in page  # and the browser is told to fetch nothing


def test_headings_descend_one_level_at_a_time(outline: Outline) -> None:
    assert outline.headings[0] == 1 and outline.headings.count(1) == 1
    for before, after in zip(outline.headings, outline.headings[1:], strict=False):
        assert after <= before + 1, outline.headings


def test_every_chart_has_an_accessible_name(outline: Outline) -> None:
    assert len(outline.svgs) == 1 + len(ENDPOINTS) + 1  # decision path, one per endpoint, layer shares
    for svg in outline.svgs:
        assert svg.get("role") == "img"
        assert svg.get("aria-labelledby")
    assert outline.svg_titles >= len(outline.svgs)


def test_the_content_is_in_the_markup_not_in_a_script(page: str) -> None:
    without_scripts = re.sub(r"<script.*?</script>", "", page, flags=re.S)
    assert "Verdict: Projected only" in without_scripts
    for name in ENDPOINTS:
        assert f'data-endpoint="{name}"' in without_scripts
    assert "CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_order_items_order_id" in without_scripts
    assert "DROP INDEX CONCURRENTLY IF EXISTS idx_order_items_order_id" in without_scripts
    assert without_scripts.count("<details") >= 20  # findings, bottlenecks and plan entries expand


def test_a_projected_after_state_is_said_and_drawn_as_such(page: str) -> None:
    assert "rests on:" in page and ">projected</strong>" in page
    assert "hatched, not measured" in page
    assert 'style="fill: url(#ep0-hatch)"' in page
    assert "p95 target 300 ms" in page  # the SLO line of the overall chart, in words


def test_colour_is_never_the_only_signal(page: str) -> None:
    assert "≈ projected met" in page  # each target's outcome in words and a symbol
    assert re.search(r"p95 before</text>", page) and re.search(r"p95 after</text>", page)
    assert ">high</span>" in page and ">low</span>" in page  # priorities written out


def test_figures_read_for_people(page: str) -> None:
    assert "1e+" not in page and "e-0" not in page
    assert "-0%" not in page and "−0%" not in page and "-0.0" not in page
    assert "0 → 10001" in page  # the container's uid, formerly printed as 1e+04
    assert "509 ms" in page and "−61%" in page


def test_report_re_renders_from_report_json(example_reports: Path, tmp_path: Path) -> None:
    folder = tmp_path / "copy"
    folder.mkdir()
    (folder / "report.json").write_bytes((example_reports / "report.json").read_bytes())
    result = CliRunner().invoke(app, ["report", str(folder)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir()) == [
        "report.html",
        "report.json",
        "report.md",
        "report.sarif",
    ]
    loaded = RunReport.model_validate_json((folder / "report.json").read_text())
    assert (folder / "report.html").read_text() == render_html(loaded)
    assert (folder / "report.md").read_text() == (example_reports / "report.md").read_text()


def test_report_names_what_is_wrong_with_its_input(tmp_path: Path) -> None:
    missing = CliRunner().invoke(app, ["report", str(tmp_path)])
    assert missing.exit_code == 2 and "report.json: not found" in missing.output
    (tmp_path / "report.json").write_text('{"run_id": "r", "target": "t", "status": "fine"}')
    wrong = CliRunner().invoke(app, ["report", str(tmp_path)])
    assert wrong.exit_code == 2 and "field status" in wrong.output
