"""The cost analyzer fills an inventory instance's missing utilisation from the node it names."""

from __future__ import annotations

from pathlib import Path

from perfpilot.evidence import load_evidence
from perfpilot.evidence.models import Instance
from perfpilot.evidence.window_models import NodeUsage
from perfpilot.skills.base import SkillContext
from perfpilot.skills.cost_optimization.measured import with_measured_usage
from perfpilot.skills.cost_optimization.skill import SKILL, CostOptimizationOutput
from perfpilot.target import load_target

METRICS = Path(__file__).resolve().parents[2] / "fixtures" / "metrics"


def _instance(name: str, **utilisation: float) -> Instance:
    return Instance(
        name=name, instance_type="m5.large", vcpu=2, memory_gib=8, hourly_usd=0.096, **utilisation
    )


def test_recorded_node_fills_the_instance_of_its_name(tmp_path: Path) -> None:
    bundle = load_evidence(load_target(METRICS / "target.yaml"), strict=True)
    [node] = bundle.nodes
    assert node.cpu_utilisation is not None and node.memory_used_max is not None
    bundle = bundle.model_copy(update={"instances": [_instance(node.node)]})
    out = SKILL.invoke({}, SkillContext(evidence=bundle, workdir=tmp_path))
    assert isinstance(out, CostOptimizationOutput)
    [note] = [n for n in out.notes if "node_exporter" in n]
    assert note.startswith(f"{node.node}: cpu_util_avg {node.cpu_utilisation:.0%}")
    assert f"over {node.window_s:.0f} s (3 scrapes)" in note
    cited = [ref.values for f in out.findings for ref in f.evidence if ref.values.get("vcpu") == 2]
    assert cited and all(v["cpu_util_avg"] == round(node.cpu_utilisation, 4) for v in cited)


def test_a_short_window_fills_p95_only_when_busy() -> None:
    busy = NodeUsage(
        node="web-1",
        instance="10.0.0.5:9100",
        window_s=30,
        scrapes=3,
        cpu_utilisation=0.95,
        memory_used=0.2,
        memory_used_max=0.25,
    )
    idle = NodeUsage(node="web-2", window_s=30, scrapes=3, cpu_utilisation=0.02, memory_used_max=0.1)
    inventory = [
        _instance("10.0.0.5"),
        _instance("web-2"),
        _instance("web-3"),
        _instance("web-1", cpu_util_p95=0.5),
    ]
    completed, notes = with_measured_usage(inventory, [busy, idle], 0.7)
    by_name = {(i.name, i.cpu_util_p95): i for i in completed}
    matched_by_host = by_name[("10.0.0.5", 0.95)]  # the instance label's host names the node too
    assert (matched_by_host.cpu_util_avg, matched_by_host.mem_util_avg, matched_by_host.mem_util_p95) == (
        0.95,
        0.25,
        None,
    )
    idle_instance = by_name[("web-2", None)]  # idle for 30 s says nothing of the month: no p95
    assert idle_instance.cpu_util_avg == 0.02
    assert by_name[("web-3", None)].cpu_util_avg is None
    assert by_name[("web-1", 0.5)].cpu_util_avg == 0.95  # the inventory's p95 stands, the gap is filled
    assert len(notes) == 3
