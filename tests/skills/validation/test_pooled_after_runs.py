"""compare() pools the after-runs' spread over the endpoints with enough requests, and judges on it."""

from __future__ import annotations

import math

import pytest

from perfpilot.artifacts import Baseline, EndpointStats, LatencyPercentiles
from perfpilot.skills.validation.compare import after_spread, compare
from perfpilot.target.spec import EndpointSlo, Slos


def _stats(name: str, p95: float, runs: list[float], requests: int) -> EndpointStats:
    latency = LatencyPercentiles(p50_ms=p95 / 3, p95_ms=p95)
    return EndpointStats(name=name, requests=requests, latency=latency, run_p95_ms=runs)


def _after(endpoints: list[EndpointStats]) -> Baseline:
    overall = _stats("overall", 12.0, [11.0, 12.0, 13.0], 3000)
    return Baseline(overall=overall, endpoints=endpoints)


def test_the_after_runs_spread_is_pooled_over_well_sampled_endpoints_only() -> None:
    after = _after([
        _stats("a", 10.0, [10.0, 12.0, 11.0], 600),
        _stats("b", 20.0, [20.0, 26.0, 21.0], 150),
        _stats("rare", 900.0, [90.0, 900.0, 400.0], 12),  # too few requests for a p95: left out
    ])  # fmt: skip
    pooled = after_spread(after, "p95_ms")
    assert pooled is not None and (pooled.endpoints, pooled.runs) == (2, 3)
    logs = [[math.log(v) for v in (10.0, 12.0, 11.0)], [math.log(v) for v in (20.0, 26.0, 21.0)]]
    within = sum((x - sum(r) / 3) ** 2 for r in logs for x in r) / 4  # 2 endpoints x 2 degrees
    assert pooled.sd == pytest.approx(math.sqrt(within), abs=1e-9)
    assert after_spread(after, "p99_ms") is None  # no endpoint has the 500 requests a p99 needs


def test_a_target_is_judged_on_the_pooled_after_spread() -> None:
    before = Baseline(

        overall=_stats("overall", 900.0, [800.0, 1000.0], 3000),
        endpoints=[_stats(n, 900.0, [800.0, 1000.0], 600) for n in ("a", "b", "c", "d")],
    )
    # four endpoints whose three after-runs agree within ~20%: pooled, each level is decided
    runs = {"a": [10.0, 12.0, 11.0], "b": [20.0, 23.0, 21.0], "c": [8.0, 9.5, 8.5], "d": [15.0, 16.0, 18.0]}
    after = _after([_stats(n, sorted(r)[1], r, 600) for n, r in runs.items()])
    slos = Slos(p95_ms=100, endpoints={n: EndpointSlo(p95_ms=30) for n in runs})
    rows = {r.metric: r for r in compare(before, after, slos, measured=True)}
    assert {m: r.verdict for m, r in rows.items()} == {
        f"p95_ms:{n}": "met_beyond_noise" for n in ("overall", "a", "b", "c", "d")
    }
    assert rows["p95_ms:b"].change is not None
    assert rows["p95_ms:b"].change.method == "runs 2 before, 3 after (pooled 3 df)"
    # geometric mean of b's runs x exp(t(3 df) x the pooled SD (8 degrees within endpoints) / sqrt(3))
    logs = {n: [math.log(v) for v in r] for n, r in runs.items()}
    within = sum((x - sum(r) / 3) ** 2 for r in logs.values() for x in r) / 8
    level = math.exp(sum(logs["b"]) / 3)
    expected = level * math.exp(3.182 * math.sqrt(within / 3))
    assert rows["p95_ms:b"].change.after_high == pytest.approx(expected, abs=1e-3)
    assert rows["p95_ms:b"].change.after_high == 24.936
