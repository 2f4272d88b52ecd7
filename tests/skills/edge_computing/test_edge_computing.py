"""Golden tests for edge-computing-architect over fixture access logs, plus templates and traces."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.evidence.models import Span, Trace
from perfpilot.skills.base import SkillContext
from perfpilot.skills.edge_computing.skill import SKILL, EdgeComputingOutput
from perfpilot.skills.edge_computing.templates import template_of
from perfpilot.target.spec import EvidenceSources, Target

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "skills" / "edge_computing"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text())
LogBundle = Callable[[str], EvidenceBundle]


def _run(bundle: EvidenceBundle, tmp_path: Path, **options: float) -> EdgeComputingOutput:
    return SKILL.invoke(dict(options), SkillContext(evidence=bundle, workdir=tmp_path))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_golden(name: str, log_bundle: LogBundle, tmp_path: Path) -> None:
    expected = EXPECTED[name]
    out = _run(log_bundle(name), tmp_path)
    assert [(f.kind, f.subject) for f in out.findings] == [
        (r["kind"], r["subject"]) for r in expected["findings"]
    ]
    for finding, row in zip(out.findings, expected["findings"], strict=True):
        assert finding.layer == row["layer"]
        assert finding.estimate is not None
        assert (finding.estimate.current, finding.estimate.expected) == pytest.approx(
            (row["current"], row["expected"])
        )
    for key, value in expected["summary"].items():
        assert getattr(out, key) == pytest.approx(value), key


def test_findings_are_complete_and_stable(log_bundle: LogBundle, tmp_path: Path) -> None:
    first, second = (
        _run(log_bundle("shop_access.log"), tmp_path),
        _run(log_bundle("shop_access.log"), tmp_path),
    )
    assert [f.id for f in first.findings] == [f.id for f in second.findings]
    for finding in first.findings:
        assert 0 <= finding.impact <= 1
        assert finding.remediation is not None and finding.remediation.rollback
        assert finding.evidence and finding.evidence[0].source == "shop_access.log"
        assert finding.evidence[0].line is not None


def test_cdn_recommends_cache_control_and_skips_personal_paths(log_bundle: LogBundle, tmp_path: Path) -> None:
    out = _run(log_bundle("shop_access.log"), tmp_path)
    cdn = [f for f in out.findings if f.kind == "cdn_cacheable_endpoint"]
    assert cdn
    for finding in cdn:  # the TTL advised from the observed span, in the header and the nginx location
        ttl = int(finding.evidence[0].values["advised_ttl_s"])
        content = finding.remediation.content if finding.remediation else ""
        assert f"Cache-Control: public, max-age={ttl}, stale-while-revalidate={ttl}" in content
        assert f"proxy_cache_valid 200 {ttl}s;" in content
    assert [int(f.evidence[0].values["advised_ttl_s"]) for f in cdn] == [37, 45]
    assert not any("customers" in f.subject for f in cdn)


def test_ttl_changes_the_simulated_hit_ratio(log_bundle: LogBundle, tmp_path: Path) -> None:
    out = _run(log_bundle("site_access.log"), tmp_path, cdn_ttl_s=20)
    assert not any(f.kind == "cdn_cacheable_endpoint" for f in out.findings)
    longer = _run(log_bundle("site_access.log"), tmp_path, cdn_ttl_s=600)
    catalog = next(f for f in longer.findings if f.kind == "cdn_cacheable_endpoint")
    assert catalog.estimate is not None and catalog.estimate.expected == 3


@pytest.mark.parametrize(
    ("path", "template"),
    [
        ("/orders/42/items?x=1", "/orders/{id}/items"),
        ("/u/3f2a9c4e-1b2d-4c5e-8f90-123456789abc", "/u/{id}"),
        ("/blobs/5f1d7a2e9b3c4d6e8f0a1b2c", "/blobs/{id}"),
        ("/products/search?q=oak", "/products/search"),
        ("/v2/items", "/v2/items"),
    ],
)
def test_path_templates(path: str, template: str) -> None:
    assert template_of(path) == template


def test_requests_come_from_traces_without_an_access_log(tmp_path: Path) -> None:
    traces = []
    for i in range(30):
        start = 1_700_000_000_000_000_000 + i * 1_000_000_000
        root = Span(
            trace_id=f"t{i}",
            span_id=f"s{i}",
            name="GET /api/catalog/{id}",
            kind="server",
            start_ns=start,
            end_ns=start + 40_000_000,
            attributes={
                "http.request.method": "GET",
                "url.path": f"/api/catalog/{i % 2}",
                "http.response.status_code": 200,
                "http.response.body.size": 4096,
            },
        )
        traces.append(Trace(trace_id=f"t{i}", spans=[root]))
    target = Target(name="api", evidence=EvidenceSources(traces=[Path("traces.json")]))
    out = _run(EvidenceBundle(target=target, traces=traces), tmp_path)
    assert out.request_source == "traces"
    # the dominant endpoint is the same for everyone: a shared cache serves it (no application cache)
    assert [f.kind for f in out.findings] == ["cdn_cacheable_endpoint", "compress_text_responses"]
    cache = out.findings[0]
    assert cache.estimate is not None and cache.estimate.current == pytest.approx(30.0)
    # TTL 28 s (no change seen over the 28 s each URL was observed): the first request of each URL and
    # the one exactly 28 s later (no longer fresh) miss
    assert cache.estimate.expected == pytest.approx(4.0)
    assert out.app_cache_hit_ratio is None


def test_traces_explain_where_the_hot_endpoint_spends_its_time(log_bundle: LogBundle, tmp_path: Path) -> None:
    traces = []
    for i in range(4):
        start = 1_700_000_000_000_000_000 + i * 1_000_000_000
        root = Span(
            trace_id=f"t{i}",
            span_id="root",
            name="GET",
            kind="server",
            start_ns=start,
            end_ns=start + 100_000_000,
            attributes={"http.route": "/customers/{customer_id}/orders"},
        )
        query = Span(
            trace_id=f"t{i}",
            span_id="db",
            parent_span_id="root",
            name="SELECT",
            kind="client",
            start_ns=start + 5_000_000,
            end_ns=start + 85_000_000,
            attributes={"db.system": "sqlite"},
        )
        traces.append(Trace(trace_id=f"t{i}", spans=[root, query]))
    bundle = log_bundle("shop_access.log").model_copy(update={"traces": traces})
    hot = next(f for f in _run(bundle, tmp_path).findings if f.kind == "app_cache_hot_endpoint")
    assert "80% of its server time is spent in database spans" in hot.root_cause
    assert hot.evidence[-1].source == "traces"
    assert hot.evidence[-1].values["database_share"] == pytest.approx(0.8)
