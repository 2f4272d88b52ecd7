"""The report templates' compiled code in perfpilot's cache folder: stored on first use, loaded after (the
same page), and a file that is not what Jinja2 wrote for this source is compiled over."""

from __future__ import annotations

from pathlib import Path

import pytest
from jinja2 import DictLoader, Environment

from perfpilot.artifacts.report import RunReport
from perfpilot.reports.html import render_html
from perfpilot.reports.html.template_cache import TemplateCodeCache


@pytest.fixture
def cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PERFPILOT_CACHE_DIR", str(tmp_path))
    return tmp_path


def _environment(source: str) -> Environment:
    return Environment(loader=DictLoader({"page.j2": source}), bytecode_cache=TemplateCodeCache())


def test_compiled_code_is_stored_then_loaded(cache_folder: Path) -> None:
    assert _environment("{{ a }} and {{ b }}").get_template("page.j2").render(a=1, b=2) == "1 and 2"
    (stored,) = cache_folder.glob("template-*.jinja")
    stamp = stored.stat().st_mtime_ns
    template = _environment("{{ a }} and {{ b }}").get_template("page.j2")
    assert template.render(a=3, b=4) == "3 and 4"
    assert stored.stat().st_mtime_ns == stamp  # loaded, not compiled and written again


def test_an_edited_template_is_compiled_afresh(cache_folder: Path) -> None:
    _environment("{{ a }} first").get_template("page.j2")
    assert _environment("{{ a }} second").get_template("page.j2").render(a=1) == "1 second"


@pytest.mark.parametrize("stored", [b"", b"garbage", b"\x80\x04\x95 a pickle of something else"])
def test_a_file_jinja2_did_not_write_for_this_source_is_ignored(cache_folder: Path, stored: bytes) -> None:
    _environment("{{ a }}!").get_template("page.j2")
    (path,) = cache_folder.glob("template-*.jinja")
    path.write_bytes(stored)
    assert _environment("{{ a }}!").get_template("page.j2").render(a=5) == "5!"


def test_the_report_page_is_the_same_from_cached_code(
    example_reports: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from perfpilot.reports.html.environment import environment

    report = RunReport.model_validate_json((example_reports / "report.json").read_text())
    monkeypatch.setenv("PERFPILOT_CACHE_DIR", str(tmp_path / "cold"))
    environment.cache_clear()
    compiled = render_html(report)
    environment.cache_clear()
    assert render_html(report) == compiled  # every template from the files just written
    assert len(list((tmp_path / "cold").glob("template-*.jinja"))) >= 10
    environment.cache_clear()
