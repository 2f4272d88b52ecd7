"""The validation projection model: queueing, mixture quantiles, database cuts and caches, hand-computed."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfpilot.artifacts import (
    Baseline,
    EndpointStats,
    EvidenceRef,
    Finding,
    ImpactEstimate,
    ImplementationPlan,
    LatencyPercentiles,
)
from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.evidence.models import Instance, MetricSample
from perfpilot.skills.validation.effects import EDGE_HIT_MS, database_cut, tied_endpoints
from perfpilot.skills.validation.layer_split import EndpointLayers, LayerSplit, from_route_metrics
from perfpilot.skills.validation.mixture import mixture_quantile
from perfpilot.skills.validation.projection import project
from perfpilot.skills.validation.queueing import erlang_c, latency_factor, response_time
from perfpilot.target.spec import EvidenceSources, MetricsSource, Target


def _bundle(**kwargs: object) -> EvidenceBundle:
    target = Target(name="t", evidence=EvidenceSources(metrics=[MetricsSource(path=Path("m.prom"))]))
    return EvidenceBundle(target=target, **kwargs)  # type: ignore[arg-type]


def _finding(fid: str, layer: str, metric: str, current: float, expected: float, **kw: object) -> Finding:
    return Finding(
        id=fid,
        skill="s",
        kind=str(kw.pop("kind", "k")),
        layer=layer,  # type: ignore[arg-type]
        subject=str(kw.pop("subject", "x")),
        title="t",
        root_cause="r",
        impact=float(kw.pop("impact", 0.5)),  # type: ignore[arg-type]
        estimate=ImpactEstimate(metric=metric, current=current, expected=expected),
        evidence=kw.pop("evidence", []),  # type: ignore[arg-type]
    )


def _endpoint(name: str, requests: int, p50: float, p95: float) -> EndpointStats:
    return EndpointStats(name=name, requests=requests, latency=LatencyPercentiles(p50_ms=p50, p95_ms=p95))


def test_erlang_c_matches_the_textbook_two_server_value() -> None:
    # c = 2, a = 1: C = (a^2/2! / (1 - 1/2)) / (1 + a + 1) = 1/3.
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)
    # R/S = 1 + C / (c (1 - rho)) = 1 + (1/3) / (2 * 0.5).
    assert response_time(0.5, 2) == pytest.approx(4 / 3)


def test_single_server_factor_is_the_mm1_ratio() -> None:
    assert latency_factor(0.9, 0.6, 1) == pytest.approx((1 - 0.9) / (1 - 0.6))


def test_more_servers_queue_less_at_the_same_utilisation() -> None:
    assert latency_factor(0.93, 0.744, 4) > latency_factor(0.93, 0.744, 1)
    assert latency_factor(0.5, 0.8, 4) > 1.0  # higher utilisation (a downsize) slows requests


def test_mixture_of_one_part_gives_its_own_percentile() -> None:
    lat = LatencyPercentiles(p50_ms=10, p90_ms=20, p95_ms=30, p99_ms=40)
    assert mixture_quantile([(7, lat)], 0.95) == pytest.approx(30, abs=1e-6)


def test_mixture_quantile_between_a_fast_and_a_slow_endpoint() -> None:
    fast = LatencyPercentiles(p50_ms=10, p90_ms=20, p95_ms=30, p99_ms=40)
    slow = LatencyPercentiles(p50_ms=1000, p90_ms=2000, p95_ms=3000, p99_ms=4000)
    # On [30, 40]: F_fast = 0.95 + 0.004 (x - 30), F_slow = 0.0005 x; (F_fast + F_slow) / 2 = 0.5
    # gives 0.0045 x = 0.17, x = 37.78.
    assert mixture_quantile([(1, fast), (1, slow)], 0.5) == pytest.approx(0.17 / 0.0045, abs=1e-6)


def test_route_metrics_split_each_endpoint_by_its_route_database_share() -> None:
    samples = [
        MetricSample(
            name="http_request_duration_seconds_sum", labels={"method": "GET", "route": "/a"}, value=30
        ),
        MetricSample(
            name="http_request_duration_seconds_sum", labels={"method": "POST", "route": "/a"}, value=10
        ),
        MetricSample(name="db_query_duration_seconds_sum", labels={"route": "/a"}, value=20),
    ]
    split = from_route_metrics(_bundle(metrics=samples))
    assert split["GET /a"].database_s == pytest.approx(15) and split["GET /a"].application_s == pytest.approx(
        15
    )
    assert split["POST /a"].database_share == pytest.approx(0.5)


def test_database_cut_spreads_over_all_or_concentrates_on_the_named_endpoint() -> None:
    split = LayerSplit(
        endpoints={"GET /a": EndpointLayers(30, 10), "GET /b": EndpointLayers(10, 10)}, method="metrics"
    )
    untied = _finding("f1", "database", "workload_time_s", 100, 20)
    cut = database_cut(untied, split, 200, ["GET /a", "GET /b"])
    assert cut is not None and cut.endpoints == () and cut.share == pytest.approx(0.4)
    tied = _finding("f2", "database", "workload_time_s", 100, 20, subject="GET /a: shape 1")
    cut = database_cut(tied, split, 200, ["GET /a", "GET /b"])
    # 80 s of 200 is 40% of all database time, 40% x 40 s = 16 s, all on GET /a's 30 s.
    assert cut is not None and cut.endpoints == ("GET /a",) and cut.share == pytest.approx(16 / 30)


def test_endpoints_are_tied_by_subject_metric_or_evidence() -> None:
    names = ["GET /a", "GET /b", "GET /c"]
    by_metric = _finding("f", "edge", "origin_requests:/b", 10, 1)
    by_evidence = _finding(
        "g",
        "edge",
        "origin_requests:static",
        10,
        1,
        evidence=[EvidenceRef(source="l", excerpt="GET /c: 5 requests")],
    )
    assert tied_endpoints(by_metric, names) == ("GET /b",)
    assert tied_endpoints(by_evidence, names) == ("GET /c",)
    static = _finding("h", "edge", "origin_requests:static", 10, 1, subject="static assets (.css, .js)")
    assert tied_endpoints(static, ["GET /s/a.js", "GET /s/b.css", "GET /s/c.png", "GET /api"]) == (
        "GET /s/a.js",
        "GET /s/b.css",
    )


def test_project_index_fix_on_the_endpoint_that_holds_the_database_time() -> None:
    before = Baseline(
        overall=EndpointStats(
            name="overall", requests=200, latency=LatencyPercentiles(p50_ms=50, p95_ms=400)
        ),
        endpoints=[_endpoint("GET /slow", 100, 200, 400), _endpoint("GET /fast", 100, 10, 20)],
        layer_time_share={"database": 0.5},
    )
    samples = [
        MetricSample(
            name="http_request_duration_seconds_sum", labels={"method": "GET", "route": "/slow"}, value=20
        ),
        MetricSample(name="db_query_duration_seconds_sum", labels={"route": "/slow"}, value=18),
        MetricSample(
            name="http_request_duration_seconds_sum", labels={"method": "GET", "route": "/fast"}, value=1
        ),
    ]
    index = _finding("db", "database", "workload_time_s", 10, 2)  # saves 8 s of a 10 s workload
    projection = project(before, [index], None, _bundle(metrics=samples), workload_total_s=10)
    slow = projection.after.endpoint("GET /slow")
    fast = projection.after.endpoint("GET /fast")
    # /slow: d = 0.9, r = 0.8: g = 0.9 x 0.2 + 0.1 = 0.28; /fast has no database time: g = 1.
    assert slow is not None and slow.latency.p95_ms == pytest.approx(400 * 0.28)
    assert fast is not None and fast.latency.p95_ms == pytest.approx(20)
    assert any("estimates" in n for n in projection.notes)


def test_project_scale_out_uses_the_queueing_factor_on_application_time() -> None:
    before = Baseline(
        overall=EndpointStats(name="overall", latency=LatencyPercentiles(p95_ms=600)),
        layer_time_share={"database": 0.25, "application": 0.75},
    )
    fleet = Instance(name="app", role="app", instance_type="m5.large", vcpu=1, memory_gib=8, hourly_usd=0.1)
    scale = _finding("c", "infrastructure", "cpu_util_p95:app", 0.9, 0.6)
    projection = project(before, [scale], None, _bundle(instances=[fleet]), workload_total_s=0)
    # M/M/1: factor (1 - 0.9) / (1 - 0.6) = 0.25 on the 75% application part: g = 0.25 + 0.75 x 0.25.
    assert projection.after.overall.latency.p95_ms == pytest.approx(600 * (0.25 + 0.75 * 0.25))


def test_project_edge_cache_removes_the_hit_share_beyond_the_hit_cost() -> None:
    before = Baseline(
        overall=EndpointStats(
            name="overall", requests=100, latency=LatencyPercentiles(p50_ms=100, p95_ms=500)
        ),
        endpoints=[_endpoint("GET /page", 100, 100, 500)],
        layer_time_share={"application": 1.0},
    )
    cdn = _finding("e", "edge", "origin_requests:/page", 100, 10)  # h = 0.9
    projection = project(before, [cdn], None, _bundle(), workload_total_s=0)
    page = projection.after.endpoint("GET /page")
    assert page is not None and page.latency.p95_ms == pytest.approx(0.1 * 500 + 0.9 * EDGE_HIT_MS)
    # One endpoint: the overall figures follow it exactly.
    assert projection.after.overall.latency.p95_ms == pytest.approx(0.1 * 500 + 0.9 * EDGE_HIT_MS, rel=1e-6)


def test_unplanned_findings_change_nothing() -> None:
    before = Baseline(
        overall=EndpointStats(name="overall", latency=LatencyPercentiles(p95_ms=300)),
        layer_time_share={"database": 1.0},
    )
    index = _finding("db", "database", "workload_time_s", 10, 1)
    projection = project(before, [index], ImplementationPlan(), _bundle(), workload_total_s=10)
    assert projection.after.overall.latency.p95_ms == 300


def test_only_database_time_estimates_cut_database_time() -> None:
    split = LayerSplit(endpoints={}, method="")
    storage = _finding("u", "database", "index_storage_mb", 500, 0)
    result_cache = _finding("c", "cache", "workload_time_s", 50, 10)
    assert database_cut(storage, split, 100, []) is None
    cut = database_cut(result_cache, split, 100, [])
    assert cut is not None and cut.share == pytest.approx(0.4)
    before = Baseline(
        overall=EndpointStats(name="overall", latency=LatencyPercentiles(p95_ms=300)),
        layer_time_share={"database": 1.0},
    )
    projection = project(before, [storage], None, _bundle(), workload_total_s=100)
    assert projection.after.overall.latency.p95_ms == 300
    assert any("No latency effect modelled for: u (k)" in n for n in projection.notes)


def _database_plan(index_saves_s: float) -> tuple[Baseline, list[Finding], EvidenceBundle]:
    before = Baseline(
        overall=EndpointStats(name="overall", latency=LatencyPercentiles(p95_ms=1000)),
        layer_time_share={"database": 1.0},
    )
    db = Instance(name="db", role="postgres", instance_type="r5.large", vcpu=1, memory_gib=16, hourly_usd=0.2)
    index = _finding("i", "database", "workload_time_s", 10, 10 - index_saves_s)
    scale_up = _finding("c", "infrastructure", "cpu_util_p95:db", 0.9, 0.45)
    return before, [index, scale_up], _bundle(instances=[db])


def test_scale_up_after_index_fixes_is_judged_at_the_utilisation_they_leave() -> None:
    before, findings, evidence = _database_plan(index_saves_s=6)  # 60% of all database time
    projection = project(before, findings, None, evidence, workload_total_s=10)
    # The index leaves 40% of the work: rho 0.9 -> 0.36, and 0.18 with the scale-up too. M/M/1 factor from
    # today's 0.9 to 0.18: (1 - 0.9) / (1 - 0.18); the database time itself x 0.4: g = 0.4 x 0.1 / 0.82.
    assert projection.after.overall.latency.p95_ms == pytest.approx(1000 * 0.4 * 0.1 / 0.82, abs=1e-3)
    note = next(n for n in projection.notes if n.startswith("c: "))
    # The scale-up's own part once the index has landed: (1 - 0.36) / (1 - 0.18) = 0.780.
    assert "CPU p95 90% -> 36% once the planned database changes remove 60% of database time" in note
    assert "x0.780 of it from this change once the others have landed" in note
    assert "no longer constrained" in note and "re-measure its CPU" in note


def test_scale_up_still_needed_after_a_small_fix_gets_no_re_measure_advice() -> None:
    before, findings, evidence = _database_plan(index_saves_s=0.3)  # 3%: rho 0.9 -> 0.873, still > 85%
    projection = project(before, findings, None, evidence, workload_total_s=10)
    note = next(n for n in projection.notes if n.startswith("c: "))
    assert "CPU p95 90% -> 87% once" in note and "no longer constrained" not in note


def test_scale_up_alone_keeps_todays_utilisation_model() -> None:
    before, findings, evidence = _database_plan(index_saves_s=6)
    projection = project(before, findings[1:], None, evidence, workload_total_s=10)
    assert projection.after.overall.latency.p95_ms == pytest.approx(1000 * 0.1 / 0.55, abs=1e-3)
    assert "c: CPU p95 90% -> 45% on 1 vCPU; M/M/c response-time ratio 0.182 on database time." in (
        projection.notes
    )


def test_the_plan_says_to_re_measure_before_a_scale_up_the_database_fixes_make_unneeded() -> None:
    from perfpilot.agents.steps.optimization import plan_from_findings, remeasure_notes
    from perfpilot.artifacts import Remediation
    from perfpilot.workload.models import WorkloadDigest

    def planned(f: Finding, title: str, kind: str) -> Finding:
        rem = Remediation(kind=kind, title=title, content=title, rollback="undo", effort_days=1)  # type: ignore[arg-type]
        return f.model_copy(update={"remediation": rem, "priority": "high"})

    _, (index, scale_up), evidence = _database_plan(index_saves_s=6)
    workload = WorkloadDigest(source="w", format="f", total_time_s=10)
    evidence = evidence.model_copy(update={"workloads": [workload]})
    findings = [planned(index, "Create the index", "ddl"), planned(scale_up, "Scale up db", "infra")]
    assert remeasure_notes(plan_from_findings(findings), findings, evidence) == [
        "Re-measure before 'Scale up db': the other planned database changes are projected to take CPU p95 "
        "from 90% to 36%, under the 85% that made it constrained; deploy them first."
    ]
    alone = findings[1:]
    assert remeasure_notes(plan_from_findings(alone), alone, evidence) == []
