"""report.html of the bundled example in headless Chromium: no request, no console error, key parts shown."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.reports.chromium import Browser
from tests.reports.test_html_report import ENDPOINTS

PROBES = {
    "title": "document.title",
    "verdict": "document.querySelector('#verdict h2').innerText",
    "endpoints": "[...document.querySelectorAll('figure.endpoint')].map(f => f.dataset.endpoint)",
    "drawn_bars": (
        "[...document.querySelectorAll('svg.latency')].map(s => s.querySelectorAll('rect.bar').length)"
    ),
    "bar_widths": "[...document.querySelectorAll('rect.bar')].map(r => r.getBoundingClientRect().width)",
    "plan_steps": "document.querySelectorAll('ol.plan > li').length",
    "first_change": "document.querySelector('ol.plan pre.content').textContent",
    "path_nodes": "[...document.querySelectorAll('svg.path g.node > text')].map(t => t.textContent)",
    "images_broken": "[...document.images].filter(i => !i.complete || i.naturalWidth === 0).length",
}


@pytest.fixture(scope="module")
def browser(chromium_binary: str) -> Iterator[Browser]:
    opened = Browser(chromium_binary)
    yield opened
    opened.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_the_report_loads_offline_without_errors(
    browser: Browser, example_reports: Path, tmp_path: Path, javascript: bool
) -> None:
    page = tmp_path / "report.html"  # a copy alone in a folder: nothing beside it to fetch
    shutil.copy(example_reports / "report.html", page)
    loaded = browser.load(page, PROBES, javascript=javascript)
    (tmp_path / "report.png").write_bytes(loaded.screenshot)  # the test's artifact, to look at

    assert loaded.requests == []
    assert loaded.errors == []
    probes = loaded.probes
    assert probes["title"] == "perfpilot report: checkout-api (projected)"
    assert probes["verdict"].startswith("≈")
    assert "Projected only" in probes["verdict"]
    assert probes["endpoints"] == ENDPOINTS
    assert probes["drawn_bars"] == [6] * len(ENDPOINTS)  # p50, p95, p99 before and after
    assert all(width > 0 for width in probes["bar_widths"])
    assert probes["plan_steps"] == 11
    assert probes["first_change"].startswith("CREATE INDEX CONCURRENTLY")
    assert probes["path_nodes"] == [
        "start",
        "profiling",
        "analysis",
        "optimization",
        "validation",
        "finish",
        "end",
    ]
    assert probes["images_broken"] == 0
    assert loaded.screenshot.startswith(b"\x89PNG")


def test_the_harness_sees_a_request_and_a_console_error(browser: Browser, tmp_path: Path) -> None:
    """The control: a page that fetches (from loopback, where nothing listens) and logs an error."""
    page = tmp_path / "leaky.html"
    page.write_text(
        '<!DOCTYPE html><html lang="en"><head><title>leaky</title></head><body>'
        '<img src="http://127.0.0.1:18750/pixel.png" alt="">'
        "<script>console.error('broken chart')</script></body></html>"
    )
    loaded = browser.load(page, {"title": "document.title"})
    assert "http://127.0.0.1:18750/pixel.png" in loaded.requests
    assert any("broken chart" in e for e in loaded.errors)


def test_printing_shows_what_the_expandable_sections_hold(
    browser: Browser, example_reports: Path, tmp_path: Path
) -> None:
    page = tmp_path / "report.html"
    shutil.copy(example_reports / "report.html", page)
    closed_rollback = "document.querySelector('details.change pre.rollback').checkVisibility()"
    on_screen = browser.load(page, {"shown": closed_rollback}, javascript=False)
    printed = browser.load(
        page,
        {"shown": closed_rollback, "nav": "getComputedStyle(document.querySelector('nav')).display"},
        javascript=False,
        media="print",
    )
    assert on_screen.probes["shown"] is False  # closed on screen
    assert printed.probes["shown"] is True  # on paper, without JavaScript
    assert printed.probes["nav"] == "none"
    assert printed.errors == [] and printed.requests == []
