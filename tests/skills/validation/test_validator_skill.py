"""The performance-validator skill: measured runs stay measured; projections say they are estimates."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from perfpilot.artifacts import (
    Baseline,
    BottleneckInventory,
    Change,
    EndpointStats,
    Finding,
    ImpactEstimate,
    ImplementationPlan,
    LatencyPercentiles,
    RootCauseReport,
)
from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.skills.base import PriorArtifacts, SkillContext
from perfpilot.skills.load_test.skill import LoadTestOutput
from perfpilot.skills.validation.skill import SKILL, ValidatorInput
from perfpilot.target.spec import EndpointSlo, EvidenceSources, MetricsSource, Slos, Target

ENDPOINT = "GET /orders"


def _baseline(p95: float) -> Baseline:
    stats = EndpointStats(name=ENDPOINT, requests=100, latency=LatencyPercentiles(p50_ms=p95 / 2, p95_ms=p95))
    overall = stats.model_copy(update={"name": "overall"})
    return Baseline(
        overall=overall, endpoints=[stats], layer_time_share={"database": 0.9, "application": 0.1}
    )


def _context(tmp_path: Path, earlier: dict[str, object]) -> SkillContext:
    target = Target(
        name="t",
        slos=Slos(p95_ms=500, endpoints={ENDPOINT: EndpointSlo(p95_ms=300)}),
        evidence=EvidenceSources(metrics=[MetricsSource(path=tmp_path / "m.prom")]),
    )
    index = Finding(
        id="db-1",
        skill="database-optimization-analyzer",
        kind="missing_index",
        layer="database",
        subject="orders(customer_id)",
        title="t",
        root_cause="r",
        impact=0.9,
        estimate=ImpactEstimate(metric="workload_time_s", current=100, expected=20),
    )
    change = Change(
        id="chg-1",
        finding_id="db-1",
        group="quick_wins",
        kind="ddl",
        title="i",
        content="c",
        rollback="r",
        effort_days=0.5,
    )
    prior = PriorArtifacts(
        inventory=BottleneckInventory(baseline=_baseline(1000)),
        root_cause=RootCauseReport(findings=[index]),
        plan=ImplementationPlan(changes=[change]),
    )
    return SkillContext(
        evidence=EvidenceBundle(target=target),
        workdir=tmp_path,
        prior=prior,
        earlier=earlier,  # type: ignore[arg-type]
    )


def test_projection_is_labelled_an_estimate(tmp_path: Path) -> None:
    out = SKILL.run(ValidatorInput(), _context(tmp_path, {}))
    report = out.report
    assert report.method == "projected"
    assert any("not measured" in n and "estimates" in n for n in report.notes)
    # No workload total: the cut is the finding's impact, 0.9: g = 0.9 x 0.1 + 0.1 = 0.19.
    row = next(r for r in report.comparisons if r.metric == f"p95_ms:{ENDPOINT}")
    assert row.after == pytest.approx(1000 * 0.19)


def test_measured_after_is_used_untouched(tmp_path: Path) -> None:
    measured = _baseline(280)
    earlier = {"load-test-runner": LoadTestOutput(profile="baseline", label="after", baseline=measured)}
    report = SKILL.run(ValidatorInput(), _context(tmp_path, earlier)).report
    assert report.method == "measured"
    assert not any("not measured" in n for n in report.notes)
    row = next(r for r in report.comparisons if r.metric == f"p95_ms:{ENDPOINT}")
    # no repeated baseline and no per-request durations: the noise is unknown, so neither met nor not met
    assert row.after == 280 and row.met is None and row.verdict == "noise_unknown"
    assert report.verdict == "inconclusive"
    # both p95 rows (overall, endpoint) undecided: neither met nor not met, so no decided row is left
    # (the share's old rule then gives 1.0): routing must read report.verdict first
    assert report.targets_met_share == 1.0
    assert report.undecided is not None and f"p95_ms:{ENDPOINT}" in report.undecided


def test_measured_after_beyond_the_baseline_runs_noise_meets_the_target(tmp_path: Path) -> None:
    # runs of 950/1000/1050 ms: log sd 0.05 over 2 degrees of freedom (t 4.303), so one run's p95 is
    # known within x exp(+-0.215): 250 ms could still be 310 (undecided against 300), 200 ms at most 248
    measured = _baseline(200)
    earlier = {"load-test-runner": LoadTestOutput(profile="baseline", label="after", baseline=measured)}
    ctx = _context(tmp_path, earlier)
    assert ctx.prior.inventory is not None
    before = ctx.prior.inventory.baseline
    runs = [950.0, 1000.0, 1050.0]
    repeated = [stats.model_copy(update={"run_p95_ms": runs}) for stats in before.endpoints]
    ctx.prior.inventory.baseline = before.model_copy(update={"endpoints": repeated})
    report = SKILL.run(ValidatorInput(), ctx).report
    row = next(r for r in report.comparisons if r.metric == f"p95_ms:{ENDPOINT}")
    assert row.verdict == "met_beyond_noise" and row.met is True and row.significant is True
    assert row.change is not None and row.change.after_high == pytest.approx(
        200 * math.exp(4.303 * 0.05), abs=0.5
    )


def test_the_after_runs_host_contention_is_stated_and_leaves_a_tail_miss_undecided(tmp_path: Path) -> None:
    from perfpilot.skills.load_test.host_contention import RunContention

    # p95 320 against 300, median 160: on a host that kept the service waiting longer than it ran
    runs = [
        RunContention(run="after-baseline-1", wall_s=60, requests=100, service_cpu_s=1.0, service_wait_s=2.0,
                      cpu_pressure_share=0.9),
    ]  # fmt: skip
    measured = _baseline(320)
    after = LoadTestOutput(profile="baseline", label="after", baseline=measured, contention=runs)
    earlier = {"load-test-runner": after}
    ctx = _context(tmp_path, earlier)
    assert ctx.prior.inventory is not None
    before = ctx.prior.inventory.baseline
    repeated = [s.model_copy(update={"run_p95_ms": [950.0, 1000.0, 1050.0]}) for s in before.endpoints]
    ctx.prior.inventory.baseline = before.model_copy(update={"endpoints": repeated})
    report = SKILL.run(ValidatorInput(), ctx).report
    row = next(r for r in report.comparisons if r.metric == f"p95_ms:{ENDPOINT}")
    assert row.verdict == "host_contended" and row.met is None
    assert report.notes[-1] == (
        "host CPU, after-runs: service waited 20.0 ms/request for a CPU, ran 10.0 ms, CPU pressure 90% "
        "(contended)"
    )
    quiet = after.model_copy(
        update={"contention": [runs[0].model_copy(update={"service_wait_s": 0.1})]}
    )
    report = SKILL.run(ValidatorInput(), _context(tmp_path, {"load-test-runner": quiet})).report
    # a service that waited less than it ran: no host_contended verdict, and no note (budgets are small)
    assert all(r.verdict != "host_contended" for r in report.comparisons)
    assert not any(n.startswith("host CPU") for n in report.notes)
