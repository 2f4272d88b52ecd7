"""Share of request time per layer: one stacked bar, each segment labelled in words as well as colour."""

from __future__ import annotations

from dataclasses import dataclass

from perfpilot.artifacts.report import RunReport
from perfpilot.figures import share

WIDTH, HEIGHT, LABEL_MIN = 640, 34, 70


@dataclass(frozen=True)
class Segment:
    """One layer's part of the bar; `text` is drawn inside when the segment is wide enough."""

    layer: str
    x: float
    width: float
    share: str
    text: str


@dataclass(frozen=True)
class LayerChart:
    segments: list[Segment]
    rest: str  # share of request time no layer accounts for
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def description(self) -> str:
        parts = ", ".join(f"{s.layer} {s.share}" for s in self.segments)
        return f"Share of request time per layer: {parts}" + (
            f", unattributed {self.rest}" if self.rest else ""
        )


def layer_chart(report: RunReport) -> LayerChart | None:
    shares = report.inventory.baseline.layer_time_share if report.inventory else {}
    if not shares:
        return None
    segments, x = [], 0.0
    for layer, value in sorted(shares.items(), key=lambda kv: -kv[1]):
        width = WIDTH * max(0.0, value)
        label = f"{layer} {share(value)}"
        segments.append(
            Segment(layer, round(x, 1), round(width, 1), share(value), label if width >= LABEL_MIN else "")
        )
        x += width
    rest = 1 - sum(shares.values())
    return LayerChart(segments, share(rest) if rest > 0.0005 else "")
