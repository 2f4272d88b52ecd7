"""The request mix: floors for thin endpoints, water-filling, and the Weyl schedule's exact counts."""

from __future__ import annotations

from collections import Counter

import pytest

from perfpilot.skills.load_test.mix import endpoint_for_iteration, plan_mix
from perfpilot.skills.load_test.profiles import ProfilePlan
from perfpilot.skills.load_test.scripts import plan_request_mix, render_script
from perfpilot.target.spec import HttpSource

SHOP = {"product": 49, "customer_orders": 10, "with_items": 15, "by_status": 10, "search": 15, "top": 1}


def test_thin_endpoints_are_raised_to_the_floor_and_the_rest_scaled() -> None:
    mix = plan_mix(SHOP, 1200)
    assert mix.floor_requests == 110
    assert mix.raised == ["top"]
    floor = 110 / 1200
    assert mix.shares["top"] == pytest.approx(floor)
    assert all(share >= floor for share in mix.shares.values())
    assert sum(mix.shares.values()) == pytest.approx(1.0)
    # the unraised keep their declared proportions among themselves
    assert mix.shares["product"] / mix.shares["search"] == pytest.approx(49 / 15)
    assert "top 1.0% -> 9.2%" in (mix.note() or "")


def test_raising_one_endpoint_can_push_others_under_the_floor_and_they_are_raised_too() -> None:
    mix = plan_mix({"big": 81.5, "mid": 9.2, "small": 9.2, "tiny": 0.1}, 1200)  # mid, small: 9.2% > 9.17%
    assert mix.raised == ["mid", "small", "tiny"]
    assert [round(mix.shares[n] * 1200) for n in ("mid", "small", "tiny")] == [110, 110, 110]
    assert mix.shares["big"] == pytest.approx(1 - 3 * 110 / 1200)


def test_a_mix_that_already_gives_enough_is_unchanged() -> None:
    mix = plan_mix({"a": 1, "b": 1}, 1000)
    assert mix.raised == [] and mix.note() is None
    assert mix.shares == {"a": 0.5, "b": 0.5}


def test_a_run_too_short_for_the_floor_keeps_the_declared_mix() -> None:
    mix = plan_mix(SHOP, 500)
    assert mix.too_short
    assert mix.shares == mix.declared
    assert "500 planned requests cannot give each of 6 endpoints 110" in (mix.note() or "")


def test_the_schedule_gives_each_endpoint_its_share_to_within_a_few_requests() -> None:
    mix = plan_mix(SHOP, 1200)
    names = list(SHOP)
    counts = Counter(endpoint_for_iteration(i, names, mix.shares) for i in range(1200))
    for name in names:
        assert abs(counts[name] - mix.shares[name] * 1200) <= 3, name
    assert min(counts.values()) >= 108


def test_constant_rate_scripts_carry_the_mix_and_ramps_the_declared_shares() -> None:
    http = HttpSource.model_validate(
        {"base_url": "http://127.0.0.1:9", "endpoints": [
            {"name": n, "path": f"/{n}", "weight": w} for n, w in SHOP.items()
        ]}
    )
    steady = ProfilePlan.model_validate({"profile": "baseline", "rate_rps": 20, "duration_s": 60})
    mix = plan_request_mix(http, steady)
    assert mix is not None and mix.raised
    script = render_script(http, steady, mix=mix)
    assert f'"share": {mix.shares["top"]!r}' in script
    assert "iterationInTest * GOLDEN_FRACTION" in script


def test_endpoint_names_must_be_unique() -> None:
    with pytest.raises(ValueError, match="repeated: a"):
        HttpSource.model_validate(
            {"base_url": "http://127.0.0.1:9",
             "endpoints": [{"name": "a", "path": "/x"}, {"name": "a", "path": "/y"}]}
        )
