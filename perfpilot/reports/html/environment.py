"""The Jinja2 environment of the HTML report: strict, autoescaped, with the number formatters as filters."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from perfpilot import figures
from perfpilot.reports.html.template_cache import TemplateCodeCache

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "svg", "j2"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=TemplateCodeCache(),
    )
    env.filters.update(
        plain=figures.plain,
        share=figures.share,
        ms=figures.duration_ms,
        unit=figures.with_unit,
        change=figures.change,
    )
    return env
