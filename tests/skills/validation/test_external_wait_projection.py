"""The projection of a planned 'external_ms_per_request' estimate (sequential calls to another service
batched), on traces recorded from two real services: storefront-api calling pricing-service per item."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfpilot.artifacts import Baseline, EndpointStats, Finding, ImpactEstimate, LatencyPercentiles
from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.evidence.models import Instance
from perfpilot.evidence.otlp import load_otlp
from perfpilot.skills.dependency_analysis.dependencies import peer_waits
from perfpilot.skills.dependency_analysis.findings import sequential_finding
from perfpilot.skills.validation.effects import external_wait_cut
from perfpilot.skills.validation.layer_split import LayerSplit, endpoint_layers
from perfpilot.skills.validation.projection import project
from perfpilot.target.spec import EvidenceSources, Target

TRACES = Path(__file__).resolve().parents[2] / "fixtures" / "otel" / "storefront-chatty-quote.otlp.json"
QUOTE, BASKET = "GET /baskets/{id}/quote", "GET /baskets/{id}"
NAMES = [BASKET, QUOTE]
# From the recorded spans: the two quote requests took 35.892753 and 40.046422 ms; per request the
# finding's estimate is 22.269 ms now (calls and the time between them) and 3.643 ms after (longest call).
MEAN_QUOTE_MS = (35.892753 + 40.046422) / 2
FACTOR = 1 - (22.269 - 3.643) / MEAN_QUOTE_MS


@pytest.fixture(scope="module")
def bundle() -> EvidenceBundle:
    traces = load_otlp(TRACES, source=TRACES.name)
    target = Target(name="storefront", evidence=EvidenceSources(traces=[TRACES]))
    return EvidenceBundle(target=target, traces=traces)


@pytest.fixture(scope="module")
def finding(bundle: EvidenceBundle) -> Finding:
    [wait] = peer_waits(bundle.traces)
    return sequential_finding(wait, all_request_ms=sum(wait.request_ms))


def test_traced_split_knows_each_endpoints_requests(bundle: EvidenceBundle) -> None:
    split = endpoint_layers(bundle)
    assert split.endpoints[QUOTE].requests == 2
    assert split.endpoints[QUOTE].mean_request_ms == pytest.approx(MEAN_QUOTE_MS, abs=1e-6)
    assert split.endpoints[BASKET].mean_request_ms == pytest.approx(15.631346, abs=1e-6)


def test_external_wait_cut_is_the_saved_share_of_the_mean_request(
    bundle: EvidenceBundle, finding: Finding
) -> None:
    cut = external_wait_cut(finding, endpoint_layers(bundle), NAMES)
    assert cut is not None and cut.endpoints == (QUOTE,)
    assert cut.factor == pytest.approx(FACTOR, abs=1e-6)


def test_without_traced_request_times_or_an_endpoint_nothing_is_modelled(finding: Finding) -> None:
    assert external_wait_cut(finding, LayerSplit(endpoints={}, method="metrics"), NAMES) is None
    bare = finding.model_copy(
        update={"estimate": ImpactEstimate(metric="external_ms_per_request", current=20, expected=5)}
    )
    assert external_wait_cut(bare, LayerSplit(endpoints={}, method="traces"), NAMES) is None


def test_projection_scales_the_quote_and_leaves_the_basket(bundle: EvidenceBundle, finding: Finding) -> None:
    before = Baseline(
        overall=EndpointStats(name="overall", requests=3, latency=LatencyPercentiles(p50_ms=30, p95_ms=40)),
        endpoints=[
            EndpointStats(name=QUOTE, requests=2, latency=LatencyPercentiles(p50_ms=35.9, p95_ms=40.0)),
            EndpointStats(name=BASKET, requests=1, latency=LatencyPercentiles(p50_ms=15.6, p95_ms=15.6)),
        ],
        layer_time_share={"application": 0.5, "external": 0.4, "database": 0.1},
    )
    projection = project(before, [finding], None, bundle, workload_total_s=0)
    quote, basket = projection.after.endpoint(QUOTE), projection.after.endpoint(BASKET)
    assert quote is not None and quote.latency.p95_ms == pytest.approx(40.0 * FACTOR, abs=1e-3)
    assert basket is not None and basket.latency.p95_ms == pytest.approx(15.6)
    assert not any("No latency effect" in n for n in projection.notes)
    assert any(n.startswith(f"{finding.id}: mean request time x") for n in projection.notes)


BETWEEN = TRACES.with_name("storefront-between-calls.otlp.json")


def test_traced_work_between_calls_is_not_projected_away() -> None:
    """Recorded quotes whose promotion rules run in an INTERNAL span between the calls: the projection
    removes the calls beyond the longest and the unattributed time between them, not the traced work."""
    traces = load_otlp(BETWEEN, source=BETWEEN.name)
    bundle = EvidenceBundle(
        target=Target(name="storefront", evidence=EvidenceSources(traces=[BETWEEN])), traces=traces
    )
    [wait] = [w for w in peer_waits(traces) if w.endpoint == QUOTE]
    finding = sequential_finding(wait, all_request_ms=sum(wait.request_ms))
    split = endpoint_layers(bundle)
    cut = external_wait_cut(finding, split, [QUOTE, f"{QUOTE}-untraced"])
    mean_quote = (121.036991 + 78.577249 + 61.481225) / 3
    assert split.endpoints[QUOTE].mean_request_ms == pytest.approx(mean_quote, abs=1e-6)
    waits_and_gaps = 166.401864 + 5.253075 + 8.430898 + 7.277462 + 3.512256  # 54.3 ms traced work not in it
    saved = (waits_and_gaps - (32.703823 + 12.140268 + 6.553139)) / 3
    assert cut is not None and cut.factor == pytest.approx(1 - saved / mean_quote, abs=1e-5)


def test_a_cpu_change_leaves_the_time_spent_waiting_on_other_services(bundle: EvidenceBundle) -> None:
    """Scaling out the storefront shortens its own time (M/M/1 ratio on the non-database, non-external
    part), not the calls to pricing-service: their share of each endpoint's traced time keeps its length."""
    fleet = Instance(
        name="storefront", role="app", instance_type="m5.large", vcpu=1, memory_gib=8, hourly_usd=0.1
    )
    scale = Finding(
        id="scale",
        skill="s",
        kind="k",
        layer="infrastructure",
        subject="storefront",
        title="t",
        root_cause="r",
        impact=0.5,
        estimate=ImpactEstimate(metric="cpu_util_p95:storefront", current=0.9, expected=0.6),
    )
    before = Baseline(
        overall=EndpointStats(name="overall", requests=3, latency=LatencyPercentiles(p95_ms=40)),
        endpoints=[EndpointStats(name=QUOTE, requests=2, latency=LatencyPercentiles(p95_ms=40.0))],
    )
    with_fleet = bundle.model_copy(update={"instances": [fleet]})
    projection = project(before, [scale], None, with_fleet, workload_total_s=0)
    layers = endpoint_layers(bundle).endpoints[QUOTE]
    d, x = layers.database_share, layers.external_share
    assert 0 < x < 1 - d
    q = (1 - 0.9) / (1 - 0.6)  # M/M/1 response-time ratio
    quote = projection.after.endpoint(QUOTE)
    assert quote is not None and quote.latency.p95_ms == pytest.approx(
        40 * (d + (1 - d - x) * q + x), abs=1e-3
    )
