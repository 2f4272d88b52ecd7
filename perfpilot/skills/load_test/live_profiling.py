"""Baseline runs of a live service, profiled: py-spy samples the service while k6 drives it.

The first `before` run's stacks join the run's evidence (evidence.profiles), so the performance-profiler
names the hot paths and the application-profiler explains them. The after-state (validation, after the
plan was applied and the service restarted) is sampled the same way into files of its own, in a run of
its own before the judged after-runs (load_test.skill), for validation to compare the hot functions'
shares. The LiveProfile (flame graph, RSS, I/O, or why
py-spy could not attach) goes into the load test's output for the report."""

from __future__ import annotations

from collections.abc import Callable

from perfpilot.artifacts.profiles import LiveProfile
from perfpilot.live.memtrace import memtrace_dir
from perfpilot.skills.application_profiling.live import LiveProfiler
from perfpilot.skills.base import SkillContext
from perfpilot.skills.load_test.execution import LoadTestResult


def service_pid(ctx: SkillContext) -> int | None:
    """The service's process now: apply may have restarted it since the run began."""
    if ctx.running_service is not None:
        return ctx.running_service()
    return ctx.service_pid


def requests_sent(result: LoadTestResult) -> float | None:
    """The HTTP requests k6 counted in a run (None without its summary)."""
    summary = getattr(result, "summary", None)
    count = summary.metric("http_reqs") if summary is not None else None
    return count.values.get("count") if count is not None else None


def wants_profile(ctx: SkillContext, profile: str, label: str | None, index: int) -> bool:
    """Profile the first run of the `before` and of the `after` baseline, when the service's process is
    known."""
    first_baseline = profile == "baseline" and label in ("before", "after") and index == 0
    return first_baseline and service_pid(ctx) is not None


def profiled(
    ctx: SkillContext, duration_s: float, run: Callable[[], LoadTestResult], label: str = "before"
) -> tuple[LoadTestResult, LiveProfile]:
    """Run the load test under the profiler; a recorded `before` profile is added to the run's evidence."""
    pid = service_pid(ctx)
    assert pid is not None
    name = "baseline" if label == "before" else label
    service = ctx.evidence.target.evidence.service
    # only a service started under the tracemalloc launcher answers snapshot requests
    memory = memtrace_dir(ctx.workdir) if service is not None and service.memory_trace else None
    with LiveProfiler(
        pid, ctx.workdir / "profiling", duration_s=duration_s, run=name, memory_dir=memory
    ) as profiler:
        result = run()
        profiler.requests = requests_sent(result)
    assert profiler.result is not None
    if profiler.profile is not None and label == "before":  # live evidence measured by this run
        ctx.evidence.profiles.append(profiler.profile)
    return result, profiler.result
