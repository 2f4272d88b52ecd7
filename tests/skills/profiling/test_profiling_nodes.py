"""The profiler on recorded node_exporter and prometheus_client scrapes: saturated node, growing RSS."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfpilot.evidence import load_evidence
from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.evidence.window_models import DiskBusy, NodeUsage, ProcessUsage
from perfpilot.skills.base import SkillContext
from perfpilot.skills.profiling.memory_growth import memory_growth_bottlenecks
from perfpilot.skills.profiling.nodes import node_bottlenecks
from perfpilot.skills.profiling.skill import SKILL, ProfilerOutput
from perfpilot.target import load_target

METRICS = Path(__file__).resolve().parents[2] / "fixtures" / "metrics"


@pytest.fixture(scope="module")
def recorded() -> EvidenceBundle:
    return load_evidence(load_target(METRICS / "target.yaml"), strict=True)


def test_saturated_node_is_an_infrastructure_bottleneck_with_its_figures(
    recorded: EvidenceBundle, tmp_path: Path
) -> None:
    out = SKILL.invoke({}, SkillContext(evidence=recorded, workdir=tmp_path))
    assert isinstance(out, ProfilerOutput)
    [node] = recorded.nodes
    assert node.cpu_utilisation is not None and node.cpu_utilisation >= 0.85  # the recording burned every CPU
    [cpu] = [b for b in out.inventory.bottlenecks if b.layer == "infrastructure" and "cpu" in b.metrics]
    assert cpu.subject == node.node and cpu.metrics["cpu"] == round(node.cpu_utilisation, 4)
    assert cpu.metrics["window_s"] == round(node.window_s, 3) and cpu.metrics["scrapes"] == 3
    assert cpu.time_share == round(min(1.0, (node.cpu_utilisation - 0.7) / 0.3), 4)
    assert cpu.impact == round(cpu.time_share * 0.5, 4)  # no SLOs: pressure 0.5
    assert f"{node.cpu_utilisation:.0%} busy over {node.window_s:.0f} s (3 scrapes)" in cpu.title
    assert out.inventory.baseline.resources.cpu == node.cpu_utilisation


def test_growing_rss_is_a_suspected_leak_with_slope_and_fit(recorded: EvidenceBundle) -> None:
    app = next(p for p in recorded.processes if p.job == "app")
    found = {b.subject: b for b in memory_growth_bottlenecks(recorded, {})}
    leak = found["app, 127.0.0.1:18503"]
    assert leak.metrics["rss_growth_bytes_per_min"] == round(app.rss_growth_bytes_per_min or 0, 1)
    assert leak.metrics["rss_fit_r2"] == round(app.rss_fit_r2 or 0, 4) and leak.metrics["scrapes"] == 3
    assert "suspected leak" in leak.title and leak.layer == "application"
    # the recording keeps 2 MiB a second: the fitted slope says so within a quarter
    assert (app.rss_growth_bytes_per_min or 0) / 2**20 == pytest.approx(120, rel=0.25)


def _process(rss: list[float], seconds: float = 60) -> ProcessUsage:
    from perfpilot.evidence.process_usage import rss_fit

    points = [(i * seconds / (len(rss) - 1), v) for i, v in enumerate(rss)]
    fit = rss_fit(points)
    return ProcessUsage(
        job="api",
        instance="a:1",
        window_s=seconds,
        scrapes=len(rss),
        rss_bytes=rss[-1],
        rss_min_bytes=min(rss),
        rss_max_bytes=max(rss),
        rss_growth_bytes_per_min=fit[0] if fit else None,
        rss_fit_r2=fit[1] if fit else None,
    )


@pytest.mark.parametrize(
    ("rss", "flagged"),
    [
        ([100e6, 110e6, 120e6, 130e6], True),  # steady, +30 %
        ([100e6, 101e6, 102e6, 103e6], False),  # steady but +3 %: not enough over the window
        ([100e6, 160e6, 90e6, 140e6], False),  # up and down: the line does not fit
        ([100e6, 130e6], False),  # two points always fit a line
        ([130e6, 120e6, 110e6, 100e6], False),  # shrinking
    ],
)
def test_memory_growth_thresholds(recorded: EvidenceBundle, rss: list[float], flagged: bool) -> None:
    bundle = recorded.model_copy(update={"processes": [_process(rss)]})
    assert bool(memory_growth_bottlenecks(bundle, {})) is flagged


def test_memory_pressure_and_busy_disk_thresholds(recorded: EvidenceBundle) -> None:
    busy = NodeUsage(
        node="db-1", window_s=60, scrapes=3, memory_used=0.95, disks=[DiskBusy(device="sda", busy=0.9)]
    )
    calm = NodeUsage(
        node="db-2",
        window_s=60,
        scrapes=3,
        cpu_utilisation=0.84,
        memory_used=0.89,
        disks=[DiskBusy(device="sda", busy=0.79)],
    )
    found = node_bottlenecks(recorded.model_copy(update={"nodes": [busy, calm]}), {"p95_ms": 1.0})
    assert sorted((b.subject, next(k for k in ("memory", "disk") if k in b.metrics)) for b in found) == [
        ("db-1", "disk"),
        ("db-1", "memory"),
    ]
    memory = next(b for b in found if "memory" in b.metrics)
    assert memory.time_share == pytest.approx(0.75) and memory.impact == pytest.approx(0.75)


def test_histogram_baseline_over_the_window_has_a_rate(recorded: EvidenceBundle, tmp_path: Path) -> None:
    out = SKILL.invoke({}, SkillContext(evidence=recorded, workdir=tmp_path))
    assert isinstance(out, ProfilerOutput)
    counts = [s for s in recorded.series if s.name == "http_request_duration_seconds_count"]
    grown = sum(s.points[-1][1] - s.points[0][1] for s in counts)
    seconds = counts[0].points[-1][0] - counts[0].points[0][0]
    overall = out.inventory.baseline.overall
    assert overall.requests == int(grown) and overall.rps == pytest.approx(grown / seconds)
    assert not any("One scrape" in n for n in out.inventory.notes)


def test_one_scrape_gives_no_rate_and_the_notes_say_why(tmp_path: Path) -> None:
    (tmp_path / "m.prom").write_text((METRICS / "process-2.prom").read_text())
    (tmp_path / "target.yaml").write_text("name: t\nevidence:\n  metrics: [{path: m.prom}]\n")
    bundle = load_evidence(load_target(tmp_path / "target.yaml"), strict=True)
    out = SKILL.invoke({}, SkillContext(evidence=bundle, workdir=tmp_path))
    assert isinstance(out, ProfilerOutput)
    assert out.inventory.baseline.overall.rps is None and out.inventory.baseline.overall.requests > 0
    note = "One scrape of m.prom: counters are totals since process start (ratios, no rates)."
    assert note in out.inventory.notes
