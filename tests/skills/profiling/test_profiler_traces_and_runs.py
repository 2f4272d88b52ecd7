"""The profiler: a latency baseline from traces when no load test ran, and load tests by role."""

from __future__ import annotations

import json
from pathlib import Path

from perfpilot.artifacts import Baseline
from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.evidence.k6_summary import load_k6_summary
from perfpilot.evidence.load import load_evidence
from perfpilot.evidence.otlp import load_otlp
from perfpilot.skills.base import SkillContext
from perfpilot.skills.profiling.baseline import compute_baseline
from perfpilot.skills.profiling.skill import SKILL, ProfilerOutput
from perfpilot.skills.profiling.trace_baseline import from_traces
from perfpilot.target.spec import EvidenceSources, LoadTestSource, Slos, Target

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
TRACES = FIXTURES / "otel" / "shop-api.otlp.json"
K6 = FIXTURES / "k6"


def test_golden_trace_baseline() -> None:
    baseline = from_traces(load_otlp(TRACES, source="shop-api.otlp.json"))
    expected = json.loads((FIXTURES / "otel" / "expected-baseline.json").read_text())
    assert baseline is not None and baseline.model_dump(mode="json") == expected
    assert baseline.overall.requests == 220  # 120 s of traffic: one order a second, checkout 1/2, catalog 1/3
    assert baseline.endpoint("POST /checkout") is not None


def _profile(target: Target, tmp_path: Path) -> ProfilerOutput:
    return SKILL.invoke({}, SkillContext(evidence=load_evidence(target), workdir=tmp_path))


def test_profiler_uses_traces_when_no_load_test(tmp_path: Path) -> None:
    target = Target(name="shop", slos=Slos(p95_ms=250), evidence=EvidenceSources(traces=[TRACES]))
    inventory = _profile(target, tmp_path).inventory
    assert inventory.baseline.overall.requests == 220
    assert inventory.baseline.overall.rps is not None and inventory.baseline.overall.rps > 1.8
    assert set(inventory.baseline.layer_time_share) == {"database", "application", "external"}
    top = next(b for b in inventory.bottlenecks if b.id == inventory.top_targets[0])
    assert top.layer == "external" and top.subject == "payments-gateway (called by POST /checkout)"
    assert inventory.load_tests == []


def test_stress_run_never_defines_the_baseline_when_a_steady_run_exists(tmp_path: Path) -> None:
    target = Target(
        name="orders",
        evidence=EvidenceSources(
            load_tests=[
                LoadTestSource(path=K6 / "stress-summary.json", timeseries=K6 / "stress-timeseries.json.gz"),
                K6 / "baseline-summary.json",
            ]
        ),
    )
    inventory = _profile(target, tmp_path).inventory
    assert [(r.role, r.source.rsplit("/", 1)[-1]) for r in inventory.load_tests] == [
        ("stress", "stress-summary.json"),
        ("baseline", "baseline-summary.json"),
    ]
    assert inventory.baseline.sources[0].endswith("baseline-summary.json")
    assert inventory.baseline.overall.requests == 401
    stress = inventory.load_tests[0]
    assert stress.breaking_point is not None and stress.breaking_point.limits_from == "k6 thresholds"


def test_only_a_stress_run_still_gives_a_baseline_last() -> None:
    summary = load_k6_summary(K6 / "stress-summary.json").model_copy(update={"role": "stress"})
    bundle_target = Target(name="t", evidence=EvidenceSources(load_tests=[K6 / "stress-summary.json"]))
    baseline = compute_baseline(EvidenceBundle(target=bundle_target, load_tests=[summary]), None)
    assert isinstance(baseline, Baseline) and baseline.overall.requests == 2195
