"""An instance serving measured traffic is over-provisioned, never idle: golden over a real recording.

Input: perfpilot/evals/incidents/svc-rates-overprovisioned, a real Prometheus server's query_range over
prometheus_client's process metrics and request counters of a running service, with the inventory
its recording script wrote.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from perfpilot.evals.loading import load_incident
from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.evidence.load import load_evidence
from perfpilot.skills.base import SkillContext
from perfpilot.skills.cost_optimization.skill import SKILL, CostOptimizationOutput

INCIDENT = Path(__file__).resolve().parents[3] / "perfpilot/evals/incidents/svc-rates-overprovisioned"


@pytest.fixture(scope="module")
def recorded() -> EvidenceBundle:
    return load_evidence(load_incident(INCIDENT).target)


def _run(bundle: EvidenceBundle, tmp_path: Path) -> CostOptimizationOutput:
    return SKILL.invoke({}, SkillContext(evidence=bundle, workdir=tmp_path))


def test_serving_fleet_at_low_use_is_rightsized_to_two_small_instances(
    recorded: EvidenceBundle, tmp_path: Path
) -> None:
    out = _run(recorded, tmp_path)
    assert [(f.kind, f.subject) for f in out.findings] == [
        ("rightsize_instance", "rates-api"),
        ("reserved_candidate", "rates-api"),
    ]
    resize = out.findings[0]
    assert resize.title == "Rightsize rates-api: 4 x m5.4xlarge -> 2 x m5.large"
    assert resize.estimate is not None
    assert (resize.estimate.current, resize.estimate.expected) == (2242.56, 140.16)
    assert resize.monthly_cost_change_usd == -2102.4
    assert out.notes[:2] == [
        "rates-api: peak CPU 0.014 cores (0.09% of 16 vCPU), peak RSS 24 MiB measured from 1 process(es)' "
        "process_cpu_seconds_total rates and process_resident_memory_bytes; the sizing keeps them",
        "rates-api serves measured traffic (9.74 requests/s counted in its metrics over 170 s): at low "
        "utilisation it is over-provisioned, not idle",
    ]


def test_the_same_fleet_without_any_measured_work_is_idle(recorded: EvidenceBundle, tmp_path: Path) -> None:
    quiet = recorded.model_copy(
        update={
            "series": [s for s in recorded.series if "request" not in s.name],
            "load_tests": [],
        }
    )
    out = _run(quiet, tmp_path)
    assert [(f.kind, f.subject) for f in out.findings] == [("idle_instance", "rates-api")]
