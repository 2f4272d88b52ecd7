"""The request mix: the declared shares kept, thin endpoints named with the run they need, and the
Weyl schedule's exact counts."""

from __future__ import annotations

from collections import Counter

import pytest

from perfpilot.skills.load_test.mix import endpoint_for_iteration, plan_mix
from perfpilot.skills.load_test.profiles import ProfilePlan
from perfpilot.skills.load_test.scripts import plan_request_mix, render_script
from perfpilot.target.spec import HttpSource

SHOP = {"product": 49, "customer_orders": 10, "with_items": 15, "by_status": 10, "search": 15, "top": 1}


def test_thin_endpoints_are_named_with_the_run_length_they_need() -> None:
    mix = plan_mix(SHOP, 20, 60)
    assert mix.shares["top"] == pytest.approx(0.01)
    assert [(t.name, t.planned_requests, t.needed_requests, t.needed_duration_s) for t in mix.thin] == [
        ("top", 12, 100, 500)
    ]
    assert mix.note() == (
        "too short to judge every endpoint's p95 at the declared mix: top (1.0%): 12 of 1200 requests, "
        "a p95 needs 100: a run of 500 s or more"
    )


def test_a_run_long_enough_for_every_endpoint_has_no_note() -> None:
    mix = plan_mix({"a": 1, "b": 1}, 10, 30)
    assert mix.thin == [] and mix.note() is None


def test_the_schedule_gives_each_endpoint_its_share_to_within_a_few_requests() -> None:
    mix = plan_mix(SHOP, 20, 60)
    names = list(SHOP)
    counts = Counter(endpoint_for_iteration(i, names, mix.shares) for i in range(1200))
    for name in names:
        assert abs(counts[name] - mix.shares[name] * 1200) <= 2, name


def test_constant_rate_scripts_carry_the_shares_and_ramps_have_no_mix_plan() -> None:
    http = HttpSource.model_validate(
        {"base_url": "http://127.0.0.1:9", "endpoints": [
            {"name": n, "path": f"/{n}", "weight": w} for n, w in SHOP.items()
        ]}
    )
    steady = ProfilePlan.model_validate({"profile": "baseline", "rate_rps": 20, "duration_s": 60})
    mix = plan_request_mix(http, steady)
    assert mix is not None and [t.name for t in mix.thin] == ["top"]
    script = render_script(http, steady, mix=mix)
    assert '"share": 0.01' in script
    assert "iterationInTest * GOLDEN_FRACTION" in script


def test_endpoint_names_must_be_unique() -> None:
    with pytest.raises(ValueError, match="repeated: a"):
        HttpSource.model_validate(
            {"base_url": "http://127.0.0.1:9",
             "endpoints": [{"name": "a", "path": "/x"}, {"name": "a", "path": "/y"}]}
        )
