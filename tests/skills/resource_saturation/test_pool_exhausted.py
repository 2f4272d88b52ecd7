"""pool_exhausted: a HikariCP pool of 10 whose acquisitions wait 400 ms of a 450 ms mean request."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from perfpilot.skills.resource_saturation.pool_sizing import MAX_WAIT_PROBABILITY, smallest_pool
from perfpilot.skills.validation.queueing import erlang_c
from perfpilot.target.spec import MetricsSource
from tests.skills.resource_saturation.conftest import FIXTURES, analyse, evidence, target

HOLD_S = 10 / 60  # 10 busy connections / 60 acquisitions served per second (12,000 over 200 s)


def test_saturated_pool_is_sized_by_littles_law_and_erlang_c(tmp_path: Path) -> None:
    [finding] = analyse(evidence(target("pool")), tmp_path).findings
    assert (finding.kind, finding.layer, finding.complexity) == ("pool_exhausted", "application", "quick_fix")
    assert finding.subject == "connection pool (pool=HikariPool-1)"
    assert finding.impact == round(400 / 450, 4) and finding.priority == "high"
    offered = 100 * HOLD_S  # slos.peak_rps x hold
    size = 25
    assert erlang_c(size, offered) <= MAX_WAIT_PROBABILITY < erlang_c(size - 1, offered)
    values = finding.evidence[0].values
    assert values["recommended_size"] == size and values["hold_ms"] == round(HOLD_S * 1000, 4)
    assert values["wait_ms_per_request"] == 400.0 and values["max_size"] == 10.0
    now = 60 * HOLD_S  # the offered 60 req/s, in connections
    residual_ms = erlang_c(size, now) * HOLD_S * 1000 / (size - now)
    assert finding.estimate is not None and finding.estimate.metric == "request_time_ms"
    assert (finding.estimate.current, finding.estimate.expected) == (450.0, round(50 + residual_ms, 3))
    rem = finding.remediation
    assert rem is not None and rem.kind == "config" and rem.title == "Size the connection pool to 25"
    assert "maximumPoolSize" in rem.content and "max_connections (not in the evidence" in rem.content
    assert rem.risk == "medium"  # the database's max_connections is not known
    assert rem.rollback == "Set the pool's maximum size back to 10."


def test_max_connections_bounds_the_pool_and_known_room_makes_it_low_risk(tmp_path: Path) -> None:
    spec = target("pool")
    pg = MetricsSource(path=FIXTURES / "postgres-exporter.prom", format="prometheus")
    spec.evidence.metrics.append(pg)
    [fits] = analyse(evidence(spec), tmp_path).findings
    assert fits.remediation is not None and fits.remediation.risk == "low"
    assert "database max_connections 100 - 3 reserved over 1 process(es)" in fits.remediation.content
    busy = target("pool", peak_rps=1000.0)
    busy.evidence.metrics.append(pg)
    [capped] = analyse(evidence(busy), tmp_path).findings
    assert capped.evidence[0].values["recommended_size"] == 97  # 100 - 3 reserved
    assert capped.remediation is not None and capped.remediation.risk == "medium"
    assert "PgBouncer" in capped.remediation.content


def test_a_pool_whose_wait_is_immaterial_is_not_a_finding(tmp_path: Path) -> None:
    spec = target("pool")
    spec.evidence.metrics[0] = MetricsSource(path=FIXTURES / "hikari-fast.prom", format="prometheus")
    out = analyse(evidence(spec), tmp_path)
    assert out.findings == [] and out.pools_read == 1  # 0.5 ms of 450 ms: 0.1 % of request time


@pytest.mark.parametrize(("offered", "size"), [(0.2, 2), (2.0, 6), (4.13, 9), (16.67, 25)])
def test_smallest_pool_keeps_the_wait_probability_at_most_five_percent(offered: float, size: int) -> None:
    assert smallest_pool(offered)[0] == size
    assert size > math.floor(offered) and erlang_c(size, offered) <= MAX_WAIT_PROBABILITY
    assert size - 1 <= offered or erlang_c(size - 1, offered) > MAX_WAIT_PROBABILITY
