"""Validation's before -> after of the inventory's hot functions, measured from both live profiles."""

from __future__ import annotations

from pathlib import Path

from perfpilot.artifacts import Bottleneck, BottleneckInventory, ValidationReport
from perfpilot.artifacts.profiles import LiveProfile
from perfpilot.skills.validation.profile_shares import (
    hot_function_shares,
    named_hot_functions,
    with_hot_function_shares,
)

BEFORE = """\
process 1;main (app.py:10);related (app.py:20);_shingles (shop/related.py:22) 60
process 1;main (app.py:10);product (app.py:30) 30
process 1;main (app.py:10);related (app.py:20);_shingles (shop/related.py:23) 10
"""
AFTER = """\
process 2;main (app.py:10);related (app.py:20);_shingles (shop/related.py:22) 2
process 2;main (app.py:10);product (app.py:30) 38
"""


def _live(tmp_path: Path, name: str, text: str | None, window_s: float = 10.0) -> LiveProfile:
    if text is None:
        return LiveProfile(
            status="not_attached",
            reason="py-spy could not attach to pid 2: denied",
            pid=2,
            rate_hz=10,
            window_s=window_s,
        )
    path = tmp_path / name
    path.write_text(text)
    return LiveProfile(status="recorded", pid=1, rate_hz=10, window_s=window_s, stacks_file=str(path))


def _inventory(live: LiveProfile | None) -> BottleneckInventory:
    hot = Bottleneck(
        id="bn-1",
        layer="application",
        title="Hot path",
        subject="_shingles (shop/related.py:22)",
        impact=0.5,
        time_share=0.7,
        metrics={"cpu_share": 0.7},
    )
    layer = Bottleneck(
        id="bn-2",
        layer="application",
        title="Application time",
        subject="application",
        impact=0.1,
        metrics={"share": 0.06},
    )
    return BottleneckInventory(bottlenecks=[hot, layer], live_profile=live)


def test_only_profile_hot_paths_of_the_inventory_are_compared() -> None:
    assert named_hot_functions(_inventory(None)) == [
        ("_shingles", "shop/related.py", "_shingles (shop/related.py:22)")
    ]


def test_the_share_on_the_stack_is_measured_from_both_profiles(tmp_path: Path) -> None:
    inventory = _inventory(_live(tmp_path, "before.txt", BEFORE))
    [row] = hot_function_shares(inventory, _live(tmp_path, "after.txt", AFTER))
    assert row.status == "measured"
    assert (row.before_samples, row.after_samples) == (70, 2)  # every line of the function counts
    assert (row.before_share, row.after_share) == (0.7, 0.05)
    assert (row.before_cpu_s_per_s, row.after_cpu_s_per_s) == (0.7, 0.02)  # samples / 10 Hz / 10 s


def test_a_missing_side_is_said_plainly_and_not_guessed(tmp_path: Path) -> None:
    inventory = _inventory(_live(tmp_path, "before.txt", BEFORE))
    [row] = hot_function_shares(inventory, _live(tmp_path, "after.txt", None))
    assert row.status == "not_profiled" and row.after_share is None and row.before_share is None
    assert row.reason == "the after load test was not profiled: py-spy could not attach to pid 2: denied"
    [row] = hot_function_shares(_inventory(None), None)
    assert row.reason == (
        "the before load test was not profiled (no live service process); "
        "the after load test was not profiled (no live service process)"
    )


def test_the_report_takes_the_after_load_tests_profile(tmp_path: Path) -> None:
    class Out:
        def __init__(self, label: str, live: LiveProfile) -> None:
            self.label, self.live_profile = label, live

    after = _live(tmp_path, "after.txt", AFTER)
    outputs = [Out("before", _live(tmp_path, "other.txt", BEFORE)), Out("after", after)]
    report = with_hot_function_shares(
        ValidationReport(),
        _inventory(_live(tmp_path, "before.txt", BEFORE)),
        outputs,  # type: ignore[arg-type]
    )
    assert report.after_profile == after
    assert [r.after_share for r in report.hot_functions] == [0.05]
    assert with_hot_function_shares(ValidationReport(), None, []) == ValidationReport()
    recorded = _inventory(None)  # hot paths from recorded profiles, no live run: nothing to compare
    assert with_hot_function_shares(ValidationReport(), recorded, []) == ValidationReport()
