"""The decision path drawn: the nodes in the order they ran, each decision numbered where it was taken."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from perfpilot.artifacts.report import RunReport

NODE_H, GAP, CHAR_W, PAD, ROW_GAP, MAX_WIDTH = 34, 28, 7.5, 22, 30, 900


@dataclass(frozen=True)
class Node:
    """One box on the path; `marks` are the numbers of the decisions taken after it."""

    label: str
    x: float
    y: float
    width: float
    ends: bool  # start or end: drawn as a pill
    marks: tuple[int, ...]


@dataclass(frozen=True)
class Arrow:
    """From one node to the next (a row break draws it down and back)."""

    points: str


@dataclass(frozen=True)
class PathChart:
    """Nodes, arrows and the numbered reasons under them."""

    nodes: list[Node]
    arrows: list[Arrow]
    reasons: list[tuple[int, str]]
    width: float
    height: float

    @property
    def description(self) -> str:
        return "Decision path: " + " then ".join(n.label for n in self.nodes) + "."


def _marks(report: RunReport) -> dict[int, tuple[int, ...]]:
    """Which path position each decision follows: 'after analysis: ...' marks the latest analysis so far."""
    marks: dict[int, list[int]] = {}
    cursor = 0
    for number, reason in enumerate(report.decisions, start=1):
        step = reason.removeprefix("after ").split(":", 1)[0].strip() if reason.startswith("after ") else ""
        later = [i for i, n in enumerate(report.decision_path) if n == step and i >= cursor]
        position = later[0] if later else max(cursor, 0)
        cursor = position
        marks.setdefault(position + 1, []).append(number)  # +1: the path starts with 'start'
    return {k: tuple(v) for k, v in marks.items()}


def path_chart(report: RunReport) -> PathChart:
    labels = ["start", *report.decision_path, "end"]
    marks = _marks(report) if report.decision_path else {}
    nodes: list[Node] = []
    x, y = 0.0, 10.0
    for index, label in enumerate(labels):
        width = len(label) * CHAR_W + 2 * PAD
        if nodes and x + width > MAX_WIDTH:
            x, y = 0.0, y + NODE_H + ROW_GAP
        nodes.append(Node(label, x, y, width, index in (0, len(labels) - 1), marks.get(index, ())))
        x += width + GAP
    arrows = []
    for a, b in itertools.pairwise(nodes):
        mid_a, mid_b = a.y + NODE_H / 2, b.y + NODE_H / 2
        if b.y == a.y:
            arrows.append(Arrow(f"{a.x + a.width},{mid_a} {b.x - 4},{mid_b}"))
        else:
            drop = a.y + NODE_H + ROW_GAP / 2
            arrows.append(
                Arrow(
                    f"{a.x + a.width / 2},{a.y + NODE_H} {a.x + a.width / 2},{drop} "
                    f"{b.x + b.width / 2},{drop} {b.x + b.width / 2},{b.y - 4}"
                )
            )
    width = max(n.x + n.width for n in nodes) + 10
    return PathChart(nodes, arrows, list(enumerate(report.decisions, 1)), width, nodes[-1].y + NODE_H + 14)
