"""report.html: one self-contained page (inline CSS and SVG, no network, readable with JavaScript off)."""

from __future__ import annotations

from pathlib import Path

from perfpilot.artifacts.report import RunReport
from perfpilot.redaction import redact
from perfpilot.reports.html.environment import environment
from perfpilot.reports.html.latency import endpoint_charts
from perfpilot.reports.html.layers import layer_chart
from perfpilot.reports.html.path_chart import path_chart
from perfpilot.reports.html.plan_view import plan_steps, target_rows
from perfpilot.reports.html.sections import findings, roi
from perfpilot.reports.html.verdict import verdict
from perfpilot.reports.live_profile import live_profile_view


def render_html(report: RunReport) -> str:
    """The page for a report, through the templates under perfpilot/reports/templates/."""
    page = (
        environment()
        .get_template("report.html.j2")
        .render(
            report=report,
            verdict=verdict(report),
            path=path_chart(report),
            endpoints=endpoint_charts(report),
            layers=layer_chart(report),
            findings=findings(report),
            plan=plan_steps(report),
            targets=target_rows(report),
            roi=roi(report),
            profile=live_profile_view(report),
        )
    )
    return redact(page)


def write_html(report: RunReport, path: Path) -> None:
    path.write_text(render_html(report), encoding="utf-8")
