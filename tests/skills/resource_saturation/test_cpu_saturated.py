"""cpu_saturated: a 2-CPU node 99.5% busy, the service's process 0.9 cores for 30 requests a second."""

from __future__ import annotations

import math
from pathlib import Path

from perfpilot.skills.cost_optimization.pricing import TARGET_UTILISATION
from perfpilot.skills.resource_saturation.skill import SaturationInput
from tests.skills.resource_saturation.conftest import analyse, evidence, target

CPU_PER_REQUEST = 0.9 / 30  # 9 CPU-seconds and 300 requests every 10 s


def test_saturated_node_gets_a_capacity_plan_from_cpu_per_request(tmp_path: Path) -> None:
    [finding] = analyse(evidence(target("cpu")), tmp_path).findings
    assert (finding.kind, finding.layer, finding.subject) == ("cpu_saturated", "infrastructure", "10.0.0.9")
    cores = 120 * CPU_PER_REQUEST / TARGET_UTILISATION  # slos.throughput_rps
    values = finding.evidence[0].values
    assert values["cores_needed"] == round(cores, 3) and values["cpu_ms_per_request"] == 30.0
    assert values["processes"] == math.ceil(cores) == 6  # CPython (python_info): one process per core
    assert values["nodes"] == 3  # of the measured node's 2 CPUs
    assert values["cpu_utilisation"] == 0.995
    assert (
        "offered 45.0 req/s but the service served 30.0 req/s (1,800 arrivals dropped)" in finding.root_cause
    )
    assert finding.impact == round(max(1 - 0.9 / cores, (0.995 - 0.7) / 0.3), 4)
    assert finding.estimate is not None
    assert (finding.estimate.metric, finding.estimate.expected) == (
        "cpu_util_p95:10.0.0.9",
        TARGET_UTILISATION,
    )
    rem = finding.remediation
    assert rem is not None and rem.kind == "infra"
    assert rem.content.startswith(
        "Run 6 worker processes (gunicorn/uvicorn --workers 6), one per core on 3 node(s)"
    )
    assert "Other processes used 1.09 of the node's 1.99 busy cores" in rem.content


def test_without_a_runtime_named_the_plan_is_in_cores(tmp_path: Path) -> None:
    bundle = evidence(target("cpu"))
    bundle.metrics = [m for m in bundle.metrics if m.name != "python_info"]
    [finding] = analyse(bundle, tmp_path).findings
    assert "processes" not in finding.evidence[0].values
    assert finding.remediation is not None and finding.remediation.content.startswith(
        "Give the service 6 cores"
    )


def test_a_node_below_saturation_or_a_disabled_check_gives_nothing(tmp_path: Path) -> None:
    bundle = evidence(target("cpu"))
    bundle.nodes = [n.model_copy(update={"cpu_utilisation": 0.6}) for n in bundle.nodes]
    assert analyse(bundle, tmp_path).findings == []
    from perfpilot.skills.base import SkillContext
    from perfpilot.skills.resource_saturation.skill import SKILL

    off = SKILL.invoke(
        SaturationInput(cpu=False), SkillContext(evidence=evidence(target("cpu")), workdir=tmp_path)
    )
    assert off.findings == []
