"""Per-endpoint latency charts: p50/p95/p99 before and after as bars, with each SLO drawn as a line."""

from __future__ import annotations

from dataclasses import dataclass, field

from perfpilot.artifacts.report import RunReport
from perfpilot.figures import change, duration_ms
from perfpilot.reports.html.axis import Scale, Tick

PERCENTILES = ("p50", "p95", "p99")
WIDTH, LABEL_W, VALUE_W = 640, 110, 90
BAR_H, BAR_GAP, GROUP_GAP, TOP, AXIS_H = 14, 3, 12, 22, 24


@dataclass(frozen=True)
class Bar:
    """One bar: which percentile and phase, where it is drawn, and the figure it shows."""

    label: str
    phase: str  # "before" or "after"
    y: float
    width: float
    value: str


@dataclass(frozen=True)
class SloLine:
    """A target drawn across the chart, labelled with its name and value."""

    x: float
    label: str
    label_y: float


@dataclass
class EndpointChart:
    """Everything the latency template draws for one endpoint."""

    key: str
    name: str
    after_kind: str  # "measured", "projected" or "" when there is no after-state
    rows: list[tuple[str, str, str, str]] = field(default_factory=list)  # percentile, before, after, change
    bars: list[Bar] = field(default_factory=list)
    slos: list[SloLine] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    height: float = 0
    width: float = WIDTH
    label_w: float = LABEL_W
    bar_h: float = BAR_H

    @property
    def description(self) -> str:
        parts = [f"{p} {b} before" + (f", {a} after ({c})" if a != "–" else "") for p, b, a, c in self.rows]
        slo = "; ".join(s.label for s in self.slos)
        return f"Latency of {self.name}: " + "; ".join(parts) + (f". Targets: {slo}." if slo else ".")


def _slos(report: RunReport, endpoint: str) -> dict[str, float]:
    """Latency targets known for an endpoint: from validation's comparisons and profiling's breaches."""
    found: dict[str, float] = {}
    rows = [(c.metric, c.target) for c in (report.validation.comparisons if report.validation else [])]
    rows += [(b.slo, b.target) for b in (report.inventory.slo_breaches if report.inventory else [])]
    for metric, target in rows:
        name, _, subject = metric.partition(":")
        if target is not None and name.endswith("_ms") and (subject or "overall") == endpoint:
            found.setdefault(name.removesuffix("_ms"), target)
    return found


def endpoint_charts(report: RunReport) -> list[EndpointChart]:
    """One chart per endpoint of the baseline (overall first), with the after-state where there is one."""
    if report.inventory is None:
        return []
    baseline = report.inventory.baseline
    after = {e.name: e for e in (report.validation.endpoints if report.validation else [])}
    kind = report.validation.method if report.validation else ""
    charts = []
    for index, stats in enumerate([baseline.overall, *baseline.endpoints]):
        before = {p: getattr(stats.latency, f"{p}_ms") for p in PERCENTILES}
        if all(v is None for v in before.values()):
            continue
        row = after.get(stats.name)
        later = {p: getattr(row, f"{p}_ms_after") if row else None for p in PERCENTILES}
        charts.append(_chart(f"ep{index}", stats.name, before, later, _slos(report, stats.name), kind))
    return charts


def _chart(
    key: str,
    name: str,
    before: dict[str, float | None],
    after: dict[str, float | None],
    slos: dict[str, float],
    kind: str,
) -> EndpointChart:
    has_after = any(v is not None for v in after.values())
    chart = EndpointChart(key=key, name=name, after_kind=kind if has_after else "")
    values = [v for v in [*before.values(), *after.values(), *slos.values()] if v is not None]
    scale = Scale.covering(values, LABEL_W, WIDTH - LABEL_W - VALUE_W)
    phases = ("before", "after") if has_after else ("before",)
    y = float(TOP + 12 * max(len(slos) - 1, 0))
    for p in PERCENTILES:
        for phase in phases:
            value = (before if phase == "before" else after)[p]
            if value is not None:
                width = scale(value) - LABEL_W
                chart.bars.append(Bar(p, phase, y, max(width, 1.0), duration_ms(value)))
            y += BAR_H + BAR_GAP
        y += GROUP_GAP
        chart.rows.append((p, duration_ms(before[p]), duration_ms(after[p]), change(before[p], after[p])))
    chart.slos = [
        SloLine(scale(v), f"{p} target {duration_ms(v)}", 11 + 12 * i)
        for i, (p, v) in enumerate(sorted(slos.items()))
    ]
    chart.height = y + AXIS_H
    chart.ticks = scale.ticks()
    return chart
