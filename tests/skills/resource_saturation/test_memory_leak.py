"""memory_leak: RSS +1 MiB every 10 s from 100 MiB while the process serves 5 requests a second."""

from __future__ import annotations

import math
from pathlib import Path

from perfpilot.target.spec import MetricsSource
from tests.skills.resource_saturation.conftest import FIXTURES, analyse, evidence, target

MIB, GIB = 2**20, 2**30
PER_MIN = 6 * MIB  # 1 MiB per 10 s
PER_REQUEST = PER_MIN / 60 / 5  # 5 requests/s: 600 over 120 s (the 500s series did not move)


def test_steady_growth_is_a_leak_per_request_with_a_patch_and_a_recycling_stop_gap(tmp_path: Path) -> None:
    [finding] = analyse(evidence(target("leak")), tmp_path).findings
    assert (finding.kind, finding.layer, finding.complexity) == ("memory_leak", "application", "complex")
    assert finding.subject == "cart-api, 10.0.0.7:8000"
    assert (
        finding.title
        == "cart-api, 10.0.0.7:8000 leaks memory: 6.0 MiB/min, 20.5 KiB per request, never released"
    )
    values = finding.evidence[0].values
    assert values["bytes_per_request"] == round(PER_REQUEST, 3) and values["requests_per_s"] == 5.0
    last = 112 * MIB
    assert values["hours_to_fill"] == round((4 * GIB - last) / PER_MIN / 60, 3)
    recycle = math.floor((0.5 * 4 * GIB - 100 * MIB) / PER_REQUEST)
    assert values["recycle_after_requests"] == recycle
    assert finding.impact == 1.0  # 360 MiB an hour on a mean of 106 MiB
    assert finding.estimate is not None
    assert (finding.estimate.metric, finding.estimate.expected) == (
        "rss_growth_bytes_per_min:cart-api, 10.0.0.7:8000",
        0.0,
    )
    assert finding.estimate.current == round(PER_MIN, 1)
    rem = finding.remediation
    assert rem is not None and (rem.kind, rem.risk) == ("patch", "medium")
    assert f"--max-requests {recycle} --max-requests-jitter {recycle // 10}" in rem.content
    assert "50% of m5.large-4g (4 GiB, inventory)" in rem.content


def test_memory_that_does_not_grow_steadily_is_not_a_leak(tmp_path: Path) -> None:
    spec = target("leak")
    spec.evidence.metrics[0] = MetricsSource(path=FIXTURES / "plateau-query_range.json", format="json")
    out = analyse(evidence(spec), tmp_path)
    assert out.findings == [] and out.processes_read == 1
