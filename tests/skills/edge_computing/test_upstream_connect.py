"""upstream_connection_setup on windows cut from a real nginx recording (svc-stock-upstream-no-keepalive)."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfpilot.artifacts import Finding
from perfpilot.evidence.access_log import load_access_log
from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.evidence.models import AccessLogEntry
from perfpilot.skills.base import SkillContext
from perfpilot.skills.edge_computing.compression import compression_finding, sending_share
from perfpilot.skills.edge_computing.skill import SKILL, EdgeComputingOutput
from perfpilot.skills.edge_computing.templates import templates_of
from perfpilot.skills.edge_computing.traffic import group_traffic
from perfpilot.skills.edge_computing.upstream_connect import upstream_connect_finding
from perfpilot.target.spec import EvidenceSources, Target

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "skills" / "edge_computing"


def _finding_of(entries: list[AccessLogEntry]) -> Finding | None:
    return upstream_connect_finding(entries, group_traffic(entries), "access.log", 20)


def test_syn_retransmissions_are_named_and_the_projection_uses_prompt_connects() -> None:
    entries = load_access_log(FIXTURES / "nginx_upstream_syn_drops.log")
    finding = _finding_of(entries)
    assert finding is not None
    assert (finding.kind, finding.layer) == ("upstream_connection_setup", "edge")
    assert finding.complexity == "quick_fix"
    # 80 requests, 28,299 ms; connecting 26,649 ms (94%); 26 connects of ~1 s (resent SYN), 54 prompt
    assert finding.title == "Reuse upstream connections: connecting takes 94% of proxied request time"
    assert finding.root_cause.startswith("26 of 80 proxied requests (32%) waited 1 s or more to connect")
    est = finding.estimate
    assert est is not None and est.metric == "request_time_ms"
    # after: the 54 prompt requests less their connect (mean 14.43 ms), the 26 resent ones at that mean
    assert (est.current, est.expected) == (pytest.approx(353.7), pytest.approx(14.4))
    assert finding.impact == pytest.approx(0.9592, abs=1e-4)
    assert finding.priority == "high"
    assert finding.remediation is not None and finding.remediation.kind == "config"
    assert "keepalive 32;" in finding.remediation.content
    assert 'proxy_set_header Connection "";' in finding.remediation.content
    assert finding.remediation.risk == "low"
    [ref] = finding.evidence
    assert ref.excerpt.startswith("GET /api/stock/{id}: 80 requests, 26 connected to the upstream in >= 1 s")
    assert ref.line == 12  # the first connect of 1 s or more in the window (uct="1.030")
    assert ref.values["syn_retransmitted"] == 26


def test_prompt_loopback_connects_give_no_finding() -> None:
    entries = load_access_log(FIXTURES / "nginx_upstream_prompt.log")
    assert len(entries) == 60
    assert _finding_of(entries) is None  # connecting is 6 of 647 ms (0.9%)


def _handshake(n: int) -> AccessLogEntry:
    """A TLS upstream without keepalive: 8 ms to connect on a 20 ms request, every time."""
    return AccessLogEntry(
        method="GET", path=f"/api/items/{n}", status=200, duration_ms=20.0, line=n,
        upstream_connect_ms=8.0, upstream_header_ms=19.0, upstream_response_ms=20.0,
    )


def test_handshake_on_every_request_removes_the_connect_time() -> None:
    finding = _finding_of([_handshake(n) for n in range(1, 41)])
    assert finding is not None
    assert finding.root_cause.startswith("Every proxied request pays a handshake with the upstream")
    assert finding.estimate is not None
    assert (finding.estimate.current, finding.estimate.expected) == (20.0, 12.0)
    assert finding.impact == pytest.approx(0.4)


def test_too_few_requests_give_no_finding() -> None:
    assert _finding_of([_handshake(n) for n in range(1, 20)]) is None


def test_the_skill_reports_it_from_a_real_log(tmp_path: Path) -> None:
    log = FIXTURES / "nginx_upstream_syn_drops.log"
    target = Target(name="stock", evidence=EvidenceSources(access_logs=[log]))
    bundle = EvidenceBundle(target=target, access_logs=load_access_log(log))
    out = SKILL.invoke({}, SkillContext(evidence=bundle, workdir=tmp_path))
    assert isinstance(out, EdgeComputingOutput)
    assert [f.kind for f in out.findings] == ["compress_text_responses", "upstream_connection_setup"]


def test_many_distinct_digit_bearing_names_at_one_position_are_ids() -> None:
    paths = [f"/api/stock/SKU-{n}" for n in range(100, 110)] + ["/api/v1/items", "/api/v2/items"]
    paths += ["/static/app.3f2a1b.js", "/blog/page2"]
    templates = templates_of(paths)
    assert {templates[p] for p in paths[:10]} == {"/api/stock/{id}"}
    assert templates["/api/v1/items"] == "/api/v1/items"  # two versions are names, not ids
    assert templates["/static/app.3f2a1b.js"] == "/static/app.3f2a1b.js"  # a file keeps its extension
    assert templates["/blog/page2"] == "/blog/page2"
    nine = templates_of([f"/api/stock/SKU-{n}" for n in range(9)])
    assert set(nine.values()) == {f"/api/stock/SKU-{n}" for n in range(9)}  # below ID_MIN_DISTINCT


def test_ids_nested_under_ids_collapse_position_by_position() -> None:
    paths = [f"/shops/s{n}/orders/ord_{n}x{m}" for n in range(10) for m in range(10)]
    assert set(templates_of(paths).values()) == {"/shops/{id}/orders/{id}"}


def test_compression_counts_only_the_time_spent_after_the_upstream_answered() -> None:
    entries = load_access_log(FIXTURES / "nginx_upstream_syn_drops.log")
    finding = compression_finding(group_traffic(entries), "access.log", 20)
    assert finding is not None and finding.subject == "GET /api/stock/{id}"
    # bytes saved: 75% of all bytes; request time after the upstream answered: 9 of 28,299 ms
    assert sending_share(group_traffic(entries)) == pytest.approx(9 / 28299)
    assert finding.impact == pytest.approx(round(0.75 * 9 / 28299, 4))
    assert finding.priority == "low"
    assert "0.0% of their request time is spent after the upstream answered" in finding.estimate.method  # type: ignore[union-attr]


def test_a_few_slow_connects_that_move_no_percentile_give_no_finding() -> None:
    """A keepalive pool filling at start: 3 of 400 requests wait 1 s to connect, the rest reuse."""
    entries = [
        AccessLogEntry(
            method="GET", path=f"/api/items/{n}", status=200, line=n,
            duration_ms=1020.0 if n <= 3 else 20.0, upstream_connect_ms=1008.0 if n <= 3 else 0.0,
            upstream_header_ms=1019.0 if n <= 3 else 19.0, upstream_response_ms=1020.0 if n <= 3 else 20.0,
        )
        for n in range(1, 401)
    ]
    # connecting is 3,024 of 11,030 ms (27%), but 3 resent SYNs of 400 requests (0.75%) set no p99
    assert _finding_of(entries) is None


def test_the_recorded_after_state_with_keepalive_gives_no_finding() -> None:
    """svc-stock-upstream-keepalive-healthy: 10 of 2,770 requests waited ~1 s while the pools filled."""
    log = FIXTURES.parents[3] / "perfpilot" / "evals" / "incidents" / "svc-stock-upstream-keepalive-healthy"
    entries = load_access_log(log / "access.log")
    assert sum(1 for e in entries if (e.upstream_connect_ms or 0) >= 1000) == 10
    assert _finding_of(entries) is None
