"""dependency-analyzer and the external layer, golden over OTel-SDK-recorded traces, plus peer naming."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.evidence.models import Span, Trace
from perfpilot.evidence.otlp import load_otlp
from perfpilot.skills.base import SkillContext
from perfpilot.skills.dependency_analysis.calls import is_external, peer_label
from perfpilot.skills.dependency_analysis.skill import SKILL, DependencyOutput
from perfpilot.skills.profiling.attribution import from_traces
from perfpilot.skills.profiling.external import external_bottlenecks
from perfpilot.target.spec import EvidenceSources, Target

OTEL = Path(__file__).resolve().parents[2] / "fixtures" / "otel"
TRACES = OTEL / "shop-api.otlp.json"


@pytest.fixture(scope="module")
def traces() -> list[Trace]:
    return load_otlp(TRACES, source="shop-api.otlp.json")


def _run(traces: list[Trace], tmp_path: Path, **options: float) -> DependencyOutput:
    bundle = EvidenceBundle(
        target=Target(name="shop", evidence=EvidenceSources(traces=[TRACES])), traces=traces
    )
    return SKILL.invoke(dict(options), SkillContext(evidence=bundle, workdir=tmp_path))


def test_golden_findings(traces: list[Trace], tmp_path: Path) -> None:
    expected = json.loads((OTEL / "expected-dependencies.json").read_text())
    assert _run(traces, tmp_path).model_dump(mode="json") == expected


def test_dominant_provider_call_escalates_with_the_options(traces: list[Trace], tmp_path: Path) -> None:
    out = _run(traces, tmp_path)
    [dependency] = [f for f in out.findings if f.kind == "external_dependency"]
    assert dependency.complexity == "architecture_limitation"
    assert dependency.layer == "external" and dependency.subject.startswith("payments-gateway")
    assert dependency.remediation is not None
    for option in ("Async / queue", "Timeout + fallback", "Cache", "Provider change"):
        assert option in dependency.remediation.content
    assert dependency.estimate is not None and dependency.estimate.expected < dependency.estimate.current / 10
    [sequential] = [f for f in out.findings if f.kind == "sequential_external_calls"]
    assert sequential.complexity == "complex" and sequential.subject.startswith("inventory.v1.Stock")


def test_thresholds_decide_what_dominates(traces: list[Trace], tmp_path: Path) -> None:
    assert _run(traces, tmp_path, dominant_share=0.99).findings == []
    assert _run(traces, tmp_path, min_traces=100).findings == []


def test_external_layer_in_attribution_and_bottlenecks(traces: list[Trace]) -> None:
    times = from_traces(traces)
    assert times is not None
    shares = times.shares()
    assert set(shares) == {"database", "application", "external"}
    assert shares["external"] == pytest.approx(0.8378, abs=1e-4)
    assert times.per_endpoint["GET /orders/{id}"].get("external", 0.0) == 0.0
    pressures = {"POST /checkout": 1.0, "GET /catalog": 0.2, "overall": 1.0}
    found = {b.subject: b for b in external_bottlenecks(times, pressures)}
    checkout = found["payments-gateway (called by POST /checkout)"]
    assert checkout.layer == "external" and checkout.impact == pytest.approx(0.936, abs=1e-3)
    catalog = found["inventory.v1.Stock (called by GET /catalog)"]
    assert catalog.time_share < catalog.metrics["external_share"]  # not pressed: share of all request time


def _span(kind: str, **attributes: str) -> Span:
    return Span(
        trace_id="t", span_id="s", name="call", kind=kind, start_ns=0, end_ns=1, attributes=attributes
    )  # type: ignore[arg-type]


def test_peer_naming_and_what_counts_as_external() -> None:
    assert peer_label(_span("client", **{"server.address": "api.x", "peer.service": "billing"})) == "billing"
    assert (
        peer_label(_span("client", **{"url.full": "https://maps.example.com/v1?q=1"})) == "maps.example.com"
    )
    assert peer_label(_span("client", **{"http.request.method": "GET"})) == "unnamed peer"
    assert not is_external(_span("client", **{"db.system": "postgresql", "server.address": "db"}))
    assert not is_external(_span("server", **{"server.address": "api"}))
    assert not is_external(_span("client"))
