"""Golden tests for cost-optimization-analyzer over fixture inventories, manifests and metrics."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.evidence.models import MetricSeries
from perfpilot.skills.base import SkillContext
from perfpilot.skills.cost_optimization.constrained import says_single_node
from perfpilot.skills.cost_optimization.sizes import larger_size, smaller_size
from perfpilot.skills.cost_optimization.skill import SKILL, CostOptimizationOutput
from perfpilot.skills.cost_optimization.usage import SeriesUsage, observed_usage

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "skills" / "cost_optimization"


def _run(bundle: EvidenceBundle, tmp_path: Path) -> CostOptimizationOutput:
    return SKILL.invoke({}, SkillContext(evidence=bundle, workdir=tmp_path))


def test_findings_match_golden(problem_bundle: EvidenceBundle, tmp_path: Path) -> None:
    expected = json.loads((FIXTURES / "expected.json").read_text())
    out = _run(problem_bundle, tmp_path)
    got = {(f.kind, f.subject): f for f in out.findings}
    assert sorted(got) == sorted((e["kind"], e["subject"]) for e in expected["findings"])
    for row in expected["findings"]:
        finding = got[(row["kind"], row["subject"])]
        assert finding.complexity == row["complexity"]
        assert finding.estimate is not None
        assert finding.estimate.current == pytest.approx(row["current"], abs=0.01)
        assert finding.estimate.expected == pytest.approx(row["expected"], abs=0.01)
    for name, value in expected["summary"].items():
        assert getattr(out, name) == pytest.approx(value, abs=0.01), name


def test_every_finding_is_complete_and_stable(problem_bundle: EvidenceBundle, tmp_path: Path) -> None:
    first, second = _run(problem_bundle, tmp_path), _run(problem_bundle, tmp_path)
    assert [f.id for f in first.findings] == [f.id for f in second.findings]
    assert len({f.id for f in first.findings}) == len(first.findings)
    for finding in first.findings:
        assert finding.layer == "infrastructure"
        assert 0 <= finding.impact <= 1
        assert finding.remediation is not None and finding.remediation.rollback
        assert finding.evidence and finding.evidence[0].source in ("inventory.yaml", "workloads.yaml")
        assert finding.estimate is not None and finding.estimate.method


def test_savings_impact_is_share_of_fleet_cost(problem_bundle: EvidenceBundle, tmp_path: Path) -> None:
    out = _run(problem_bundle, tmp_path)
    idle = next(f for f in out.findings if f.kind == "idle_instance")
    assert idle.impact == pytest.approx(140.16 / out.total_monthly_cost_usd, abs=1e-4)


def test_saturated_single_node_is_architecture_limit_only_when_architecture_says_so(
    problem_bundle: EvidenceBundle, tmp_path: Path
) -> None:
    target = problem_bundle.target.model_copy(update={"architecture": "PostgreSQL primary with two replicas"})
    bundle = problem_bundle.model_copy(update={"target": target})
    db = next(f for f in _run(bundle, tmp_path).findings if f.subject == "db")
    assert db.kind == "resource_constrained"
    assert db.complexity == "complex"
    assert db.remediation is not None and "r5.4xlarge" in db.remediation.content


def test_healthy_fleet_has_no_findings(healthy_bundle: EvidenceBundle, tmp_path: Path) -> None:
    out = _run(healthy_bundle, tmp_path)
    assert out.findings == []
    assert out.total_monthly_cost_usd == pytest.approx((0.192 * 2 + 0.126) * 730, abs=0.01)
    assert (out.net_monthly_cost_change_usd, out.net_monthly_cost_change) == (0, "unchanged")


@pytest.mark.parametrize(
    ("name", "smaller", "larger"),
    [
        ("m5.2xlarge", "m5.xlarge", "m5.4xlarge"),
        ("m5.xlarge", "m5.large", "m5.2xlarge"),
        ("m5.large", None, "m5.xlarge"),
        ("n2-standard-8", "n2-standard-4", "n2-standard-16"),
        ("t3.micro", None, None),
    ],
)
def test_size_ladder(name: str, smaller: str | None, larger: str | None) -> None:
    assert smaller_size(name) == smaller
    assert larger_size(name) == larger


def test_cpu_usage_from_series_is_a_rate_per_scrape_interval() -> None:
    labels = {"namespace": "shop", "pod": "api-1", "container": "api"}
    series = MetricSeries(
        name="container_cpu_usage_seconds_total", labels=labels, points=[(0, 0), (60, 30), (120, 90)]
    )
    usage = observed_usage([], [series])
    assert usage[("shop", "api-1", "api")] == SeriesUsage(cpu_rates=(0.5, 1.0), window_s=120.0)


@pytest.mark.parametrize(
    ("architecture", "single"),
    [
        ("a single-node PostgreSQL primary", True),
        ("It runs on one small VM", True),
        ("one single instance of the API", True),
        ("three nodes behind a load balancer", False),
        ("one of the nodes is a replica", False),
    ],
)
def test_single_node_wording(architecture: str, single: bool) -> None:
    assert says_single_node(architecture) is single
