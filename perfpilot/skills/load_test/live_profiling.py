"""The first baseline run of a live service, profiled: py-spy samples the service while k6 drives it.

The stacks join the run's evidence (evidence.profiles), so the performance-profiler names the hot
paths and the application-profiler explains them; the LiveProfile (flame graph, RSS, I/O, or why
py-spy could not attach) goes into the load test's output for the report."""

from __future__ import annotations

from collections.abc import Callable

from perfpilot.artifacts.profiles import LiveProfile
from perfpilot.skills.application_profiling.live import LiveProfiler
from perfpilot.skills.base import SkillContext
from perfpilot.skills.load_test.execution import LoadTestResult


def wants_profile(ctx: SkillContext, profile: str, label: str | None, index: int) -> bool:
    """Profile the first run of the `before` baseline, when the service's process is known."""
    return ctx.service_pid is not None and profile == "baseline" and label == "before" and index == 0


def profiled(
    ctx: SkillContext, duration_s: float, run: Callable[[], LoadTestResult]
) -> tuple[LoadTestResult, LiveProfile]:
    """Run the load test under the profiler; a recorded profile is added to the run's evidence."""
    assert ctx.service_pid is not None
    with LiveProfiler(ctx.service_pid, ctx.workdir / "profiling", duration_s=duration_s) as profiler:
        result = run()
    assert profiler.result is not None
    if profiler.profile is not None:  # live evidence measured by this run, like its load tests
        ctx.evidence.profiles.append(profiler.profile)
    return result, profiler.result
