"""The workflow on each saturation fixture: the finding is planned and validated, as a projection."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfpilot.run.graph_run import RunOptions, run_workflow
from tests.skills.resource_saturation.conftest import evidence, target

QUICK_PATH = ["profiling", "analysis", "optimization", "validation", "finish"]


@pytest.mark.parametrize(
    ("name", "tier", "kind", "change"),
    [
        ("leak", "T1", "memory_leak", "patch"),  # one bottleneck (memory growth): the quick path
        ("cpu", "T1", "cpu_saturated", "infra"),  # one bottleneck (the node's CPU)
        ("pool", "T2", "pool_exhausted", "config"),  # SLO breaches with no layer split: full workflow
    ],
)
def test_saturation_is_planned_and_validated_as_a_projection(
    name: str, tier: str, kind: str, change: str, tmp_path: Path
) -> None:
    report = run_workflow(evidence(target(name)), RunOptions(workdir=tmp_path))
    assert (report.status, report.tier, report.decision_path) == ("projected", tier, QUICK_PATH)
    assert [f.kind for f in report.findings] == [kind]
    assert report.plan is not None and [c.kind for c in report.plan.changes] == [change]
    assert report.validation is not None and report.validation.method == "projected"


def test_the_pool_wait_removed_is_projected_on_every_endpoint(tmp_path: Path) -> None:
    report = run_workflow(evidence(target("pool")), RunOptions(workdir=tmp_path))
    assert report.root_cause is not None
    [finding] = report.root_cause.findings
    assert finding.estimate is not None
    factor = finding.estimate.expected / finding.estimate.current
    assert report.validation is not None
    after = {e.name: e.p95_ms_after for e in report.validation.endpoints}
    assert after == {"overall": round(900 * factor, 3), "GET /carts/{id}": round(900 * factor, 3)}
