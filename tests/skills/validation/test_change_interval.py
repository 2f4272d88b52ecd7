"""Before/after latency statistics: sample minimum, bootstrap and run-noise intervals, verdicts (seeded)."""

from __future__ import annotations

import math
import random
import statistics

import pytest

from perfpilot.artifacts import MetricComparison
from perfpilot.skills.validation.change_interval import (
    _bootstrap_quantile,
    bootstrap_log_ratio,
    change_interval,
    min_requests,
    nearest_rank,
    t_95,
    welch_degrees,
)
from perfpilot.skills.validation.compare import _significant
from perfpilot.skills.validation.latency_verdict import latency_row, report_verdict
from perfpilot.skills.validation.pooled_spread import pooled_spread


def _lognormal(n: int, median_ms: float, sigma: float, seed: int) -> list[float]:
    rng = random.Random(seed)
    return [median_ms * math.exp(rng.gauss(0, sigma)) for _ in range(n)]


def test_a_percentile_needs_five_requests_beyond_it() -> None:
    assert min_requests(0.95) == 100
    assert min_requests(0.99) == 500
    assert nearest_rank([1.0, 2.0, 3.0, 4.0], 0.95) == 4.0
    assert nearest_rank([float(v) for v in range(1, 101)], 0.95) == 95.0


def test_too_few_requests_is_its_own_verdict_whatever_the_change() -> None:
    before = _lognormal(60, 100, 0.3, seed=1)
    after = _lognormal(60, 20, 0.3, seed=2)
    row = latency_row(
        "p95_ms",
        "GET /x",
        (nearest_rank(sorted(before), 0.95), nearest_rank(sorted(after), 0.95)),
        80,
        (60, 60),
        samples=(before, after),
    )
    assert row.verdict == "too_few_samples" and row.met is None
    assert row.min_requests == 100 and row.requests_before == 60


def test_a_thin_baseline_does_not_make_a_well_sampled_after_state_undecided() -> None:
    before = _lognormal(40, 2000, 0.5, seed=1)  # an overloaded baseline that completed few requests
    after = _lognormal(400, 10, 0.2, seed=2)
    row = latency_row(
        "p95_ms", "GET /x",
        (nearest_rank(sorted(before), 0.95), nearest_rank(sorted(after), 0.95)),
        50, (40, 400), samples=(before, after),
    )
    assert row.verdict == "met_beyond_noise" and row.met is True


def test_high_noise_leaves_a_real_looking_improvement_not_beyond_noise() -> None:
    # 400 requests each, p95 down by about a fifth, but the latency spread is wide (sigma 1.2 in log)
    before = _lognormal(400, 100, 1.2, seed=13)
    after = _lognormal(400, 80, 1.2, seed=14)
    b95, a95 = nearest_rank(sorted(before), 0.95), nearest_rank(sorted(after), 0.95)
    assert a95 < b95
    row = latency_row(
        "p95_ms", "overall", (b95, a95), target=b95 * 0.9, requests=(400, 400), samples=(before, after)
    )
    assert row.verdict == "not_beyond_noise"
    assert row.met is None and row.significant is False
    assert row.change is not None and row.change.low is not None and row.change.high is not None
    assert row.change.low < 0 < row.change.high
    assert row.change.method == "bootstrap over 400+400 requests"
    assert report_verdict([row]) == ("inconclusive", ["p95_ms:overall"])


def test_low_noise_and_many_requests_meet_the_target_beyond_noise() -> None:
    before = _lognormal(5000, 100, 0.2, seed=5)
    after = _lognormal(5000, 60, 0.2, seed=6)
    b95, a95 = nearest_rank(sorted(before), 0.95), nearest_rank(sorted(after), 0.95)
    row = latency_row(
        "p95_ms", "overall", (b95, a95), target=100, requests=(5000, 5000), samples=(before, after)
    )
    assert row.verdict == "met_beyond_noise" and row.met is True and row.significant is True
    interval = row.change
    assert interval is not None and interval.after_low is not None and interval.after_high is not None
    assert interval.after_low < a95 < interval.after_high <= 100
    # the same runs against a target at the measured after-value: the interval straddles it
    near = latency_row(
        "p95_ms", "overall", (b95, a95), target=a95, requests=(5000, 5000), samples=(before, after)
    )
    assert near.verdict == "not_beyond_noise" and near.met is None and near.significant is True


def test_a_target_missed_by_the_whole_interval_is_not_met_beyond_noise() -> None:
    row = latency_row(
        "p99_ms", "overall", (1000, 900), target=500, requests=(1000, 1000), baseline_runs=[900, 1000, 1100]
    )
    assert row.verdict == "not_met_beyond_noise" and row.met is False
    assert report_verdict([row]) == ("not_met", [])


def test_the_run_noise_interval_is_two_runs_difference_at_95_percent_with_students_t() -> None:
    interval = change_interval(1000, 500, 0.95, baseline_runs=[900, 1000, 1100])
    sd = 0.100335  # stdev of log(900), log(1000), log(1100): 2 degrees of freedom, t = 4.303
    assert interval.run_log_sd == pytest.approx(sd, abs=1e-4)
    assert interval.log_ratio == pytest.approx(math.log(0.5), abs=1e-4)
    assert interval.high == pytest.approx(math.log(0.5) + 4.303 * math.sqrt(2) * sd, abs=1e-3)
    assert interval.beyond_noise is True
    assert change_interval(1000, 500, 0.95).low is None  # nothing measured: no interval


def test_repeated_after_runs_give_the_after_value_its_own_noise() -> None:
    # an overloaded baseline varies a lot run to run; the healthy after-state much less
    baseline = [2000.0, 5000.0]
    after = [12.0, 12.5]
    sd_b = abs(math.log(5000 / 2000)) / math.sqrt(2)
    sd_a = abs(math.log(12.5 / 12)) / math.sqrt(2)
    interval = change_interval(5000, 12.5, 0.95, baseline_runs=baseline, after_runs=after)
    # the after-state's level: the geometric mean of its two runs, +- t(1 degree) * sd / sqrt(2)
    level = math.sqrt(12.0 * 12.5)
    assert interval.after_high == pytest.approx(level * math.exp(12.706 * sd_a / math.sqrt(2)), abs=1e-3)
    assert interval.after_low == pytest.approx(level * math.exp(-12.706 * sd_a / math.sqrt(2)), abs=1e-3)
    # the change: both sides' spreads, t with Welch-Satterthwaite's degrees of freedom: the baseline's
    # spread dominates, so its own 1 degree (12.706), not the 2 of both sides summed (4.303)
    assert interval.high == pytest.approx(math.log(12.5 / 5000) + 12.706 * math.hypot(sd_b, sd_a), abs=1e-3)
    assert interval.method == "runs 2 before, 2 after"
    # without repeated after-runs the baseline's spread stands in for the after-value (conservative)
    fallback = change_interval(5000, 12.5, 0.95, baseline_runs=baseline)
    assert fallback.after_high == pytest.approx(12.5 * math.exp(12.706 * sd_b), abs=1e-3)
    verdicts = [
        latency_row("p95_ms", "x", (5000, 12.5), 30, (200, 200), baseline_runs=baseline, after_runs=r).verdict
        for r in (after, ())
    ]
    assert verdicts == ["met_beyond_noise", "not_beyond_noise"]


def test_the_bootstrap_is_seeded() -> None:
    before = _lognormal(300, 100, 0.5, seed=7)
    after = _lognormal(300, 90, 0.5, seed=8)
    assert bootstrap_log_ratio(before, after, 0.95) == bootstrap_log_ratio(before, after, 0.95)


def test_the_beta_shortcut_matches_resampling_every_request() -> None:
    values = sorted(_lognormal(200, 100, 0.5, seed=9))
    rng_short, rng_full = random.Random(10), random.Random(11)
    short = sorted(_bootstrap_quantile(values, 0.95, rng_short) for _ in range(3000))
    full = sorted(nearest_rank(sorted(rng_full.choices(values, k=len(values))), 0.95) for _ in range(3000))
    for share in (0.1, 0.5, 0.9):
        assert short[int(share * 3000)] == pytest.approx(full[int(share * 3000)], rel=0.03)


def test_a_noise_floor_above_100_percent_still_lets_a_large_improvement_count() -> None:
    assert _significant(100, 10, 150) is True  # log(10) = 2.30 > log(2.5) = 0.92
    assert _significant(100, 50, 150) is False
    assert _significant(100, 90, 5) is True
    assert _significant(None, 90, 5) is None


def test_the_report_is_met_only_when_every_target_row_is() -> None:
    met = MetricComparison(
        metric="p95_ms:overall", before=1, after=1, target=2, met=True, verdict="met_beyond_noise"
    )
    errors = MetricComparison(metric="error_rate:overall", before=0.1, after=0.0, target=0.01, met=True)
    assert report_verdict([met, errors]) == ("met", [])
    assert report_verdict([]) == (None, [])


def test_report_md_shows_the_change_and_the_after_values_interval() -> None:
    from perfpilot.artifacts import ChangeInterval
    from perfpilot.reports.wording import interval_text

    wide = ChangeInterval(log_ratio=0.85, low=0.55, high=1.15, after_low=1150.2, after_high=1960)
    assert interval_text(wide, "ms") == "+134% [+73%, +216%]; after 1.15–1.96 s"
    assert interval_text(ChangeInterval(log_ratio=-0.3), "ms") == "−26% (noise unknown)"
    # a baseline without enough per-request durations: the change's noise is unknown, the after-value's not
    after_only = ChangeInterval(log_ratio=-0.3, after_low=55.2, after_high=61.4)
    assert interval_text(after_only, "ms") == "−26% (noise unknown); after 55.2–61.4 ms"
    assert interval_text(None, "ms") == "–"
    narrow = ChangeInterval(log_ratio=0.1, low=0.05, high=0.15, after_low=980, after_high=1200)
    assert interval_text(narrow, "ms").endswith("; after 980 ms–1.2 s")


def test_a_contended_host_leaves_a_miss_whose_median_met_the_target_undecided() -> None:
    baseline, after_runs = [5000.0, 6000.0], [60.0, 62.0]  # both after-runs clearly over a 30 ms target

    def verdict(contended: bool, median: float | None) -> str | None:
        row = latency_row(
            "p95_ms", "x", (5500.0, 61.0), 30, (200, 200), baseline_runs=baseline, after_runs=after_runs,
            contended=contended, median=median,
        )  # fmt: skip
        return row.verdict

    assert verdict(False, 2.5) == "not_met_beyond_noise"  # a quiet host: the miss is the service's
    assert verdict(True, 2.5) == "host_contended"  # the typical request met it; the tail waited for a CPU
    assert verdict(True, 45.0) == "not_met_beyond_noise"  # even the median misses: contention or not
    assert verdict(True, None) == "not_met_beyond_noise"
    met = latency_row(
        "p95_ms", "x", (5500.0, 12.0), 30, (200, 200), baseline_runs=baseline, after_runs=[12.0, 12.1],
        contended=True, median=2.0,
    )  # fmt: skip
    assert met.verdict == "met_beyond_noise" and met.met is True  # contention only adds latency
    row = latency_row(
        "p95_ms", "x", (5500.0, 61.0), 30, (200, 200), baseline_runs=baseline, after_runs=after_runs,
        contended=True, median=2.5,
    )  # fmt: skip
    assert row.met is None and report_verdict([row]) == ("inconclusive", ["p95_ms:x"])


def test_the_pooled_spread_splits_the_runs_shared_effect_from_each_endpoints_own() -> None:
    e = math.exp
    # logs [[0, .2], [1, 1.4], [2, 2]]: run means 1.0, 1.2 (MS_run .06), residual MS .02 (2 df);
    # s^2 = .06/3 + 2/3 * .02 = 1/30; Satterthwaite: (1/30)^2 / (.02^2 / 1 + (.02*2/3)^2 / 2) = 2.27 -> 2
    mixed = pooled_spread([[e(0), e(0.2)], [e(1), e(1.4)], [e(2), e(2)]])
    assert mixed is not None and (mixed.degrees, mixed.endpoints, mixed.runs) == (2, 3, 2)
    assert mixed.sd == pytest.approx(math.sqrt(1 / 30), abs=1e-9)
    # every endpoint moved by the same factor: one draw per run, however many endpoints: 1 degree
    shared = pooled_spread([[e(0), e(0.3)], [e(1), e(1.3)], [e(2), e(2.3)]])
    assert shared is not None and shared.degrees == 1
    assert shared.sd == pytest.approx(0.3 / math.sqrt(2), abs=1e-9)
    # no shared effect: the residuals' (E-1)(R-1) = 3 degrees
    own = pooled_spread([[e(0), e(0.2)], [e(1), e(0.8)], [e(2), e(2.2)], [e(3), e(2.8)]])
    assert own is not None and own.degrees == 3 and own.sd == pytest.approx(math.sqrt(0.02), abs=1e-9)
    # only endpoints with a value in each of the most runs count; one run or no spread: nothing to pool
    longest = pooled_spread([[e(0), e(0.2), e(0.1)], [e(1), e(1.4)], [0.0, 1.0, 2.0]])
    assert longest is not None and (longest.endpoints, longest.runs, longest.degrees) == (1, 3, 2)
    assert longest.sd == pytest.approx(0.1, abs=1e-9)
    assert pooled_spread([[1.0], [2.0]]) is None and pooled_spread([[1.0, 1.0], [2.0, 2.0]]) is None


def test_students_t_past_the_table_follows_the_cornish_fisher_expansion() -> None:
    assert [t_95(d) for d in (1, 2, 16, 30)] == [12.706, 4.303, 2.120, 2.042]
    rounded = {d: round(t_95(d), 4) for d in (31, 40, 60, 120)}
    assert rounded == {31: 2.0395, 40: 2.0211, 60: 2.0003, 120: 1.98}
    exact = {31: 2.03951, 40: 2.02108, 60: 2.00030, 120: 1.97993}  # Student's t 97.5% quantiles
    assert all(abs(t_95(d) - value) < 1e-3 for d, value in exact.items())


def test_a_pooled_spread_gives_the_after_value_its_degrees_of_freedom() -> None:
    e = math.exp
    pooled = pooled_spread([[e(0), e(0.2)], [e(1), e(1.4)], [e(2), e(2)]])
    assert pooled is not None
    interval = change_interval(
        5000, 12.0, 0.95, baseline_runs=[2000.0, 5000.0], after_runs=[10.0, 12.0], pooled=pooled
    )
    # the geometric mean of the after-runs +- t(2 df) * pooled sd / sqrt(2 runs)
    half = 4.303 * math.sqrt(1 / 30) / math.sqrt(2)
    assert interval.after_high == pytest.approx(math.sqrt(120) * math.exp(half), abs=1e-3)
    assert (interval.after_low, interval.after_high) == (6.285, 19.092)
    assert interval.method == "runs 2 before, 2 after (pooled 2 df)"
    # the change keeps the endpoint's own runs; a pooled spread of other runs is not used
    other = change_interval(
        5000, 12.0, 0.95, baseline_runs=[2000.0, 5000.0], after_runs=[10.0, 12.0, 11.0], pooled=pooled
    )
    assert other.method == "runs 2 before, 3 after"


def test_high_noise_pooled_over_endpoints_stays_not_beyond_noise() -> None:
    # four endpoints whose two after-runs disagree by 2-3x, unevenly: pooled, the level is still undecided
    runs = [[10.0, 25.0], [8.0, 30.0], [12.0, 20.0], [9.0, 27.0]]
    pooled = pooled_spread(runs)
    assert pooled is not None and pooled.degrees == 1  # the runs' shared effect dominates
    row = latency_row(
        "p95_ms", "x", (5000.0, 25.0), 50, (200, 200), baseline_runs=[4000.0, 6000.0],
        after_runs=runs[0], pooled=pooled,
    )  # fmt: skip
    assert row.verdict == "not_beyond_noise" and row.met is None


def test_welch_degrees_sum_when_the_spreads_agree_and_follow_the_noisier_side_when_it_dominates() -> None:
    assert welch_degrees([(0.1, 4), (0.1, 4)]) == 8
    assert welch_degrees([(0.1, 2), (0.1, 4)]) == 5  # 0.02^2 / (1e-4 / 2 + 1e-4 / 4) = 5.33
    assert welch_degrees([(0.5, 1), (0.01, 4)]) == 1  # a 2-run baseline's spread is almost all of it
    assert welch_degrees([(0.0, 2), (0.0, 3)]) == 5


def test_a_two_run_baseline_is_not_made_precise_by_tight_after_runs() -> None:
    """Runs 80 and 85 ms before, 50-52 ms after: the change rests on a baseline spread known to 1 degree
    of freedom (Welch: 1.4, rounded down), so t = 12.706; summing the sides' degrees (3: t = 3.182) would
    have called a 36% drop beyond noise."""
    interval = change_interval(80, 51, 0.95, baseline_runs=[80, 85], after_runs=[50, 51, 52])
    sd_b = math.log(85 / 80) / math.sqrt(2)
    sd_a = statistics.stdev(math.log(v) for v in (50, 51, 52))
    half = 12.706 * math.hypot(sd_b, sd_a)
    assert (interval.low, interval.high) == (
        pytest.approx(math.log(51 / 80) - half, abs=1e-4),
        pytest.approx(math.log(51 / 80) + half, abs=1e-4),
    )
    assert interval.beyond_noise is False


@pytest.mark.parametrize("n", [1, 2, 99])
def test_a_run_under_the_minimum_gives_no_bootstrap_and_claims_nothing_beyond_noise(n: int) -> None:
    """A percentile of one or two requests has no sampling spread; a bootstrap of it would call any
    change beyond noise. Under the minimum the verdict is too few samples and the change's noise unknown."""
    before = _lognormal(200, 200, 0.3, seed=21)
    after = _lognormal(n, 40, 0.3, seed=22)
    row = latency_row(
        "p95_ms", "GET /x", (nearest_rank(sorted(before), 0.95), nearest_rank(sorted(after), 0.95)),
        500, (200, n), samples=(before, after),
    )  # fmt: skip
    assert row.verdict == "too_few_samples" and row.met is None and row.significant is None
    assert row.change is not None and row.change.low is None and row.change.after_high is None
    assert row.change.method == (
        f"none: 200+{n} requests, under 100 a run for a bootstrap, and no repeated baseline"
    )


def test_at_the_minimum_the_after_value_is_judged_and_a_thin_baseline_leaves_the_change_unknown() -> None:
    before = _lognormal(40, 200, 0.3, seed=23)
    after = _lognormal(100, 40, 0.3, seed=24)
    row = latency_row(
        "p95_ms", "GET /x", (nearest_rank(sorted(before), 0.95), nearest_rank(sorted(after), 0.95)),
        500, (40, 100), samples=(before, after),
    )  # fmt: skip
    assert row.verdict == "met_beyond_noise" and row.met is True
    assert row.significant is None  # 40 requests before: the change's sampling noise is unknown
    assert row.change is not None
    assert row.change.method == "bootstrap over 40+100 requests; under 100 before: not for the change"


def test_a_bimodal_after_run_whose_p95_sits_between_the_modes_is_not_beyond_noise() -> None:
    rng = random.Random(25)
    after = [10 + rng.random() for _ in range(186)] + [200 + 20 * rng.random() for _ in range(14)]
    before = _lognormal(200, 80, 0.5, seed=26)
    row = latency_row(
        "p95_ms", "GET /x", (nearest_rank(sorted(before), 0.95), nearest_rank(sorted(after), 0.95)),
        100, (200, 200), samples=(before, after),
    )  # fmt: skip
    # 7% of requests in the slow mode: a resample's p95 lands in either mode, so the interval spans both
    assert row.verdict == "not_beyond_noise" and row.met is None
    assert row.change is not None and row.change.after_low is not None and row.change.after_high is not None
    assert row.change.after_low < 12 and row.change.after_high > 200


def test_identical_distributions_show_no_change_and_a_regression_misses_beyond_noise() -> None:
    same = _lognormal(300, 50, 0.3, seed=27)
    p95 = nearest_rank(sorted(same), 0.95)
    still = latency_row("p95_ms", "x", (p95, p95), 200, (300, 300), samples=(same, list(same)))
    assert still.verdict == "met_beyond_noise" and still.significant is False  # met, but not by a change
    worse = _lognormal(300, 120, 0.3, seed=28)
    slower = latency_row(
        "p95_ms", "x", (p95, nearest_rank(sorted(worse), 0.95)), 100, (300, 300), samples=(same, worse)
    )
    assert slower.verdict == "not_met_beyond_noise" and slower.met is False and slower.significant is True
    assert slower.change is not None and slower.change.low is not None and slower.change.low > 0


def test_an_after_run_with_durations_is_judged_against_a_baseline_read_from_logs() -> None:
    """A before-state from access logs keeps no per-request durations: the after-value's own bootstrap
    still judges the target; the change's noise stays unknown."""
    after = _lognormal(150, 40, 0.3, seed=29)
    a95 = nearest_rank(sorted(after), 0.95)
    row = latency_row("p95_ms", "x", (180.0, a95), 100, (5000, 150), samples=(None, after))
    assert row.verdict == "met_beyond_noise" and row.met is True and row.significant is None
    assert (
        row.change is not None
        and row.change.method == "bootstrap over 150 after-run requests (none kept before)"
    )


def test_one_endpoints_outlier_run_is_not_averaged_away_by_steady_endpoints_pooled_with_it() -> None:
    """Five steady endpoints and one whose third after-run measured 300 ms: pooled, the spread is 0.42
    (11 df) and the level's bound 156 ms would call a 200 ms target met although a run measured 300;
    the endpoint's own SD (1.03) is kept, with the pooled degrees of freedom."""
    runs = [[50.0, 51.0, 300.0]] + [[20.0 * k, 20.5 * k, 20.2 * k] for k in range(1, 6)]
    pooled = pooled_spread(runs)
    assert pooled is not None and pooled.degrees == 11 and pooled.sd == pytest.approx(0.4202, abs=1e-4)
    row = latency_row(
        "p95_ms", "x", (400.0, 51.0), 200, (300, 300), baseline_runs=[400.0, 420.0], after_runs=runs[0],
        pooled=pooled,
    )  # fmt: skip
    own = statistics.stdev(math.log(v) for v in runs[0])
    level = math.exp(statistics.fmean(math.log(v) for v in runs[0]))
    assert row.change is not None
    assert row.change.after_high == pytest.approx(level * math.exp(t_95(11) * own / math.sqrt(3)), abs=1e-2)
    assert row.verdict == "not_beyond_noise" and row.met is None
    steady = latency_row(
        "p95_ms", "x", (400.0, 60.0), 200, (300, 300), baseline_runs=[400.0, 420.0], after_runs=runs[5],
        pooled=pooled,
    )  # fmt: skip
    assert steady.verdict == "met_beyond_noise"  # a steady endpoint still borrows the pooled spread
