"""Infrastructure bottlenecks from measured node usage (node_exporter over a scrape window).

A node is saturated when its CPU utilisation over the window is at least 85 % (two scrapes or more),
its memory in use (1 - MemAvailable / MemTotal) is at least 90 %, or a disk is busy at least 80 % of
the window. time_share says how far past the point where queueing starts the figure is: (value - 0.7) /
0.3 for CPU and disk, (value - 0.8) / 0.2 for memory, capped at 1. impact = time_share * the worst SLO
pressure (0.5 when no SLO is known), as for the inventory's instances.
"""

from __future__ import annotations

from perfpilot.artifacts import Bottleneck, EvidenceRef, stable_id
from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.evidence.window_models import NodeUsage

CPU_SATURATED = 0.85
MEMORY_PRESSED = 0.90
DISK_BUSY = 0.80
QUEUEING_STARTS = {"cpu": 0.7, "memory": 0.8, "disk": 0.7}


def _share(kind: str, value: float) -> float:
    start = QUEUEING_STARTS[kind]
    return round(min(1.0, max(0.0, (value - start) / (1 - start))), 4)


def _figures(node: NodeUsage) -> dict[str, float]:
    figures = {"window_s": round(node.window_s, 3), "scrapes": float(node.scrapes)}
    if node.cpus is not None:
        figures["cpus"] = float(node.cpus)
    if node.cpu_utilisation is not None:
        figures["cpu_utilisation"] = round(node.cpu_utilisation, 4)
    if node.memory_used is not None:
        figures["memory_used"] = round(node.memory_used, 4)
    figures.update({k: round(v, 3) for k, v in node.load_per_cpu.items()})
    return figures


def _bottleneck(node: NodeUsage, kind: str, value: float, title: str, pressure: float) -> Bottleneck:
    share = _share(kind, value)
    sources = ", ".join(filter(None, (node.job, node.instance))) or "node_exporter metrics"
    return Bottleneck(
        id=stable_id("bn", "infrastructure", node.node, kind),
        layer="infrastructure",
        title=title,
        subject=node.node,
        impact=round(min(1.0, share * pressure), 4),
        time_share=share,
        metrics={kind: round(value, 4), "pressure": round(pressure, 4), **_figures(node)},
        evidence=[EvidenceRef(source=f"node_exporter ({sources})", excerpt=node.note, values=_figures(node))],
    )


def _node_bottlenecks(node: NodeUsage, pressure: float) -> list[Bottleneck]:
    found = []
    window = f"over {node.window_s:.0f} s ({node.scrapes} scrapes)"
    if node.cpu_utilisation is not None and node.cpu_utilisation >= CPU_SATURATED:
        title = f"Node {node.node} CPU is {node.cpu_utilisation:.0%} busy {window}"
        found.append(_bottleneck(node, "cpu", node.cpu_utilisation, title, pressure))
    if node.memory_used is not None and node.memory_used >= MEMORY_PRESSED:
        title = f"Node {node.node} has {node.memory_used:.0%} of memory in use (MemAvailable is low)"
        found.append(_bottleneck(node, "memory", node.memory_used, title, pressure))
    busiest = max(node.disks, key=lambda d: d.busy, default=None)
    if busiest is not None and busiest.busy >= DISK_BUSY:
        title = f"Node {node.node} disk {busiest.device} is busy {busiest.busy:.0%} of the time {window}"
        found.append(_bottleneck(node, "disk", busiest.busy, title, pressure))
    return found


def node_bottlenecks(evidence: EvidenceBundle, pressures: dict[str, float]) -> list[Bottleneck]:
    """One bottleneck per saturated resource of every node the metrics measured."""
    pressure = max(pressures.values(), default=0.5)
    return [b for node in evidence.nodes for b in _node_bottlenecks(node, pressure)]


def window_notes(evidence: EvidenceBundle) -> list[str]:
    """One note naming the metrics scraped only once, whose counters therefore gave no rates."""
    once = [w for w in evidence.windows if not w.rates]
    if not once:
        return []
    targets = sorted({w.instance or w.job or ", ".join(w.sources) for w in once})
    named = ", ".join(targets)
    return [f"One scrape of {named}: counters are totals since process start (ratios, no rates)."]
