"""The hot functions the inventory named, before -> after: their share of the live profile's samples
under the baseline load and under the same load after the plan was applied.

Both sides are measured the same way, from the collapsed stacks py-spy wrote: the share of samples with
the function (name and file; any line) on the stack, and its samples over the rate and the seconds
watched (threads busy in it on average). A side without a recorded profile is `not_profiled`, with why."""

from __future__ import annotations

from pathlib import Path

from perfpilot.artifacts import BottleneckInventory, ValidationReport
from perfpilot.artifacts.profiles import HotFunctionShare, LiveProfile
from perfpilot.evidence.collapsed import load_collapsed
from perfpilot.evidence.errors import EvidenceError
from perfpilot.evidence.profile_models import Profile, ProfileFrame
from perfpilot.skills.base import SkillOutput


def named_hot_functions(inventory: BottleneckInventory) -> list[tuple[str, str, str]]:
    """(function, file, subject) of each application hot path the inventory named, in its order."""
    found: list[tuple[str, str, str]] = []
    for bottleneck in inventory.bottlenecks:
        if bottleneck.layer != "application" or "cpu_share" not in bottleneck.metrics:
            continue
        frame = ProfileFrame.from_label(bottleneck.subject)
        function, file = frame.function, frame.file
        if (function, file) not in {(f, p) for f, p, _ in found}:
            found.append((function, file, bottleneck.subject))
    return found


def _profile(live: LiveProfile | None, side: str) -> tuple[Profile | None, str]:
    """The side's recorded stacks, or why there are none."""
    if live is None:
        return None, f"the {side} load test was not profiled (no live service process)"
    if live.status != "recorded" or live.stacks_file is None:
        return None, f"the {side} load test was not profiled: {live.reason or live.status}"
    try:
        return load_collapsed(Path(live.stacks_file), source=live.stacks_file), ""
    except EvidenceError as exc:
        return None, f"the {side} profile could not be read: {exc.message}"


def _on_stack(profile: Profile, function: str, file: str) -> float:
    wanted = {i for i, f in enumerate(profile.frames) if f.function == function and f.file == file}
    return sum(s.value for s in profile.stacks if wanted.intersection(s.frames))


def _busy(samples: float, live: LiveProfile) -> float | None:
    return round(samples / live.rate_hz / live.window_s, 4) if live.rate_hz and live.window_s else None


def hot_function_shares(
    inventory: BottleneckInventory | None, after: LiveProfile | None
) -> list[HotFunctionShare]:
    """One row per named hot function; empty when the inventory named none."""
    named = named_hot_functions(inventory) if inventory is not None else []
    if not named:
        return []
    before = inventory.live_profile if inventory is not None else None
    before_profile, before_missing = _profile(before, "before")
    after_profile, after_missing = _profile(after, "after")
    rows = []
    for function, file, subject in named:
        base = HotFunctionShare(function=function, file=file, subject=subject, status="not_profiled")
        if before_profile is None or after_profile is None or before is None or after is None:
            reason = "; ".join(r for r in (before_missing, after_missing) if r)
            rows.append(base.model_copy(update={"reason": reason}))
            continue
        was, now = _on_stack(before_profile, function, file), _on_stack(after_profile, function, file)
        rows.append(
            base.model_copy(
                update={
                    "status": "measured",
                    "before_samples": was,
                    "after_samples": now,
                    "before_share": round(was / before_profile.total, 4) if before_profile.total else None,
                    "after_share": round(now / after_profile.total, 4) if after_profile.total else None,
                    "before_cpu_s_per_s": _busy(was, before),
                    "after_cpu_s_per_s": _busy(now, after),
                }
            )
        )
    return rows


def with_hot_function_shares(
    report: ValidationReport, inventory: object, load_test_outputs: list[SkillOutput]
) -> ValidationReport:
    """The validation report with the hot functions' shares, from the `after` load test's live profile."""
    profiles = [
        getattr(out, "live_profile", None)
        for out in load_test_outputs
        if getattr(out, "label", None) == "after"
    ]
    after = next((p for p in reversed(profiles) if isinstance(p, LiveProfile)), None)
    named = inventory if isinstance(inventory, BottleneckInventory) else None
    if after is None and (named is None or named.live_profile is None):
        return report  # recorded evidence: no load test was profiled, nothing to compare
    rows = hot_function_shares(named, after)
    return report.model_copy(update={"hot_functions": rows, "after_profile": after})
