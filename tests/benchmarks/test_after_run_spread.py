"""benchmarks.after_run_spread: per-endpoint run-to-run SDs and the first-run effect from kept demos."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from benchmarks.after_run_spread import after_p95s, all_met, endpoint_sds, first_run_effect, markdown


def _demo(folder: Path, runs: list[dict[str, float]]) -> Path:
    """A kept demo folder whose after-run N has 100 requests per endpoint, its p95 (rank 95) = the value."""
    load_test = folder / "work" / "load_test"
    load_test.mkdir(parents=True)
    for index, p95s in enumerate(runs, 1):
        data = {name: [1.0] * 94 + [p95] + [p95 * 2] * 5 for name, p95 in p95s.items()}
        data["overall"] = [1.0] * 100
        data["rare"] = [50.0] * 12  # too few requests for a p95: left out
        (load_test / f"after-baseline-{index}.durations.json").write_text(json.dumps(data))
    (load_test / "after-baseline-profiled.durations.json").write_text(json.dumps({"a": [99.0] * 100}))
    return folder


def test_after_p95s_reads_the_judged_runs_in_order(tmp_path: Path) -> None:
    folder = _demo(tmp_path / "run-1", [{"a": 10.0, "b": 20.0}, {"a": 8.0, "b": 16.0}, {"a": 9.0, "b": 18.0}])
    assert after_p95s(folder) == {"a": [10.0, 8.0, 9.0], "b": [20.0, 16.0, 18.0]}


def test_endpoint_sds_and_the_first_run_effect(tmp_path: Path) -> None:
    e = math.exp
    demos = [{"a": [e(0.4), e(0.0), e(0.2)], "b": [e(1.2), e(1.0), e(1.0)]}, {"a": [e(0.2), e(0.0), e(0.1)]}]
    sds = endpoint_sds(demos)
    # a: squares .08 + .02 over 4 degrees; b: (2/3 * .2)^2 + 2 (1/3 * .2)^2 = .08/3 over 2
    assert sds["a"] == (pytest.approx(math.sqrt(0.1 / 4)), 4)
    assert sds["b"] == (pytest.approx(math.sqrt(0.08 / 3 / 2)), 2)
    effect = first_run_effect(demos)
    assert effect is not None
    mean, low, high, count = effect
    # per demo: mean over endpoints of log(first) - mean log(later): (.3 + .2) / 2 = .25 and .15
    assert count == 2 and mean == pytest.approx(0.2)
    assert high - mean == pytest.approx(12.706 * math.sqrt(0.005) / math.sqrt(2))
    assert low < 0 < mean < high
    assert first_run_effect(demos[:1]) is None
    text = markdown(demos)
    assert "| a | 0.158 | 4 |" in text and "p95 x1.22" in text


def test_the_ablation_counts_demos_whose_every_target_is_under_the_bound() -> None:
    e = math.exp
    # logs a: [0, .2, .1], b: [1, 1.4, 1.2]; first two runs, own spread: mean + 12.706 * sd / sqrt(2)
    demo = {"a": [e(0.0), e(0.2), e(0.1)], "b": [e(1.0), e(1.4), e(1.2)]}
    own_2 = e(1.2 + 12.706 * (0.4 / math.sqrt(2)) / math.sqrt(2))  # b's bound: 42.1
    assert all_met(demo, {"a": 100.0, "b": own_2 + 0.01}, 2, pooled=False)
    assert not all_met(demo, {"a": 100.0, "b": own_2 - 0.01}, 2, pooled=False)
    # three runs, own spread: b's sd .2 (2 df): e^(1.2 + 4.303 * .2 / sqrt(3)) = 5.46
    assert all_met(demo, {"a": 100.0, "b": 5.47}, 3, pooled=False)
    assert not all_met(demo, {"a": 100.0, "b": 5.45}, 3, pooled=False)
    assert all_met(demo, {"a": 100.0, "b": 100.0}, 3, pooled=True)
    assert not all_met(demo, {"c": 1.0}, 3, pooled=True)  # no endpoint with a target: nothing shown met
    text = markdown([demo], {"a": 100.0, "b": 5.47})
    assert "2 after-runs, own spread: 0; 2 after-runs, pooled spread: 0; 3 after-runs, own spread: 1" in text
