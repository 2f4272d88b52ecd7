"""load-test-runner: run a k6 profile against the target's declared HTTP endpoints and return a Baseline."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Literal

from pydantic import Field

from perfpilot.artifacts import Baseline
from perfpilot.artifacts.profiles import LiveProfile
from perfpilot.skills.base import RunInterrupted, Skill, SkillContext, SkillError, SkillInput, SkillOutput
from perfpilot.skills.load_test.execution import LoadTestResult, run_profile
from perfpilot.skills.load_test.host_contention import RunContention, between, snapshot
from perfpilot.skills.load_test.k6_baseline import baseline_from_k6
from perfpilot.skills.load_test.live_profiling import profiled, requests_sent, service_pid, wants_profile
from perfpilot.skills.load_test.noise import median_index, spread_pct, with_run_noise
from perfpilot.skills.load_test.profiles import ProfileName, plan_profile
from perfpilot.skills.load_test.scripts import endpoint_names

MAX_DURATION_S = 4 * 3600


class LoadTestInput(SkillInput):
    """Which profile to run, for how long, and how many times (repeats measure the noise floor)."""

    profile: ProfileName = "baseline"
    duration_s: float | None = Field(
        default=None, gt=0, le=MAX_DURATION_S,
        description="Seconds per run; defaults: baseline/peak 60, stress 120, soak 3600.",
    )
    rate_rps: float | None = Field(
        default=None, gt=0, description="Arrival rate override (stress: the starting rate)."
    )
    repeat: int = Field(default=1, ge=1, le=10, description="Runs of the profile; >1 gives the noise floor.")
    label: Literal["before", "after"] | None = None


class LoadTestOutput(SkillOutput):
    """The measured Baseline (median-p95 run), every run, the noise floor and the stress breaking point."""

    profile: ProfileName
    label: str | None = None
    baseline: Baseline | None = None
    runs: list[LoadTestResult] = Field(default_factory=list)
    noise_floor_pct: float | None = Field(default=None, description="Spread of p95 over repeats, %.")
    rps_spread_pct: float | None = Field(default=None, description="Spread of requests/s over repeats, %.")
    breaking_point_rps: float | None = None
    soak_drift_pct: float | None = Field(default=None, description="Soak: p95 growth, last vs first third %.")
    files: list[str] = Field(default_factory=list)
    database_notes: list[str] = Field(
        default_factory=list,
        exclude=True,  # the steps copy them into their artifact: not charged twice to the step's budget
        description="What the database measured over each run (live PostgreSQL runs).",
    )
    live_profile: LiveProfile | None = Field(
        default=None,
        description="py-spy's sampling of the service during the first baseline run (before or after).",
    )
    contention: list[RunContention] = Field(
        default_factory=list,
        exclude=True,  # validation states it in a note; not charged to the step's budget twice
        description="Per run: the service's CPU time and run-queue wait, the host's CPU pressure.",
    )


def run(inp: LoadTestInput, ctx: SkillContext) -> LoadTestOutput:
    target = ctx.evidence.target
    http = target.evidence.http
    if http is None:
        raise SkillError("load-test-runner needs evidence.http (base_url and endpoints) in target.yaml")
    if not ctx.live:
        raise SkillError("load-test-runner only runs against a live service (the run is not marked live)")
    plan = plan_profile(
        inp.profile, http.baseline_rps, duration_s=inp.duration_s, rate_rps=inp.rate_rps,
        max_p95_ms=target.slos.p95_ms, max_error_rate=target.slos.error_rate,
    )
    out_dir = ctx.workdir / "load_test"
    runs: list[LoadTestResult] = []
    observer = ctx.load_observer
    live_profile = None
    contention: list[RunContention] = []
    if inp.label == "after" and wants_profile(ctx, inp.profile, inp.label, 0):
        # the after-state is profiled in a run of its own: a run under py-spy (its CPU taken from the
        # service's on a busy host) is no repeat of the unprofiled ones the targets are judged on
        name = f"after-{inp.profile}-profiled"
        run_once = partial(run_profile, http, plan, out_dir, run_name=name, label=inp.label)
        profiled_run, live_profile = profiled(ctx, plan.duration_s, run_once, "after")
        ctx.log.info("load_test.run", run=name, exit_code=profiled_run.exit_code, judged=False)
        if profiled_run.interrupted:
            raise RunInterrupted(_output(inp, [], endpoint_names(http)), f"load test {name} interrupted")
    for index in range(inp.repeat):
        name = "-".join(p for p in (inp.label, inp.profile, str(index + 1)) if p)
        run_once = partial(run_profile, http, plan, out_dir, run_name=name, label=inp.label)
        if observer is not None:
            observer.start(name)
        pid = service_pid(ctx)
        started = snapshot(pid)
        if inp.label != "after" and wants_profile(ctx, inp.profile, inp.label, index):
            result, live_profile = profiled(ctx, plan.duration_s, run_once, inp.label or "before")
        else:
            result = run_once()
        contention.append(between(name, started, snapshot(pid), requests_sent(result)))
        if observer is not None:
            observer.finish(name, request_seconds(result))
        runs.append(result)
        ctx.log.info("load_test.run", run=name, exit_code=result.exit_code, complete=result.complete)
        if result.interrupted:  # Ctrl-C: k6 is stopped; hand back what was measured, then stop the run
            raise RunInterrupted(_output(inp, runs, endpoint_names(http)), f"load test {name} interrupted")
        if not result.complete:
            break
    # the profiled run's files stay in the run's folder, not listed (the step budgets are small)
    output = _output(inp, runs, endpoint_names(http)).model_copy(update={"contention": contention})
    if live_profile is not None:
        output = output.model_copy(update={"live_profile": live_profile})
    if observer is None or not runs:
        return output
    names = [r.script_path.stem for r in runs]
    return output.model_copy(update={"database_notes": observer.describe(names)})


def request_seconds(result: LoadTestResult) -> float | None:
    """The summed duration of a run's HTTP requests (k6's mean http_req_duration times their count)."""
    if result.summary is None:
        return None
    duration, count = result.summary.metric("http_req_duration"), result.summary.metric("http_reqs")
    if duration is None or count is None or "avg" not in duration.values or "count" not in count.values:
        return None
    return duration.values["avg"] * count.values["count"] / 1000


def _run_files(result: LoadTestResult) -> list[Path]:
    extra = [p for p in (result.intervals_path, result.durations_path) if p]
    return [result.script_path, result.summary_path, *extra]


def _output(inp: LoadTestInput, runs: list[LoadTestResult], names: dict[str, str]) -> LoadTestOutput:
    baselines = [baseline_from_k6(r.summary, names) if r.summary else None for r in runs]
    p95s = [b.overall.latency.p95_ms if b else None for b in baselines]
    noise = spread_pct(p95s)
    middle = median_index(p95s)
    chosen = baselines[middle] if any(baselines) else None
    if chosen is not None and noise is not None:
        chosen = chosen.model_copy(update={"noise_floor_pct": noise})
    if chosen is not None:
        chosen = with_run_noise(chosen, baselines, runs[middle].durations_path)
    notes = [
        f"run {r.script_path.stem}: stopped early by {'Ctrl-C' if r.interrupted else 'the timeout'}; "
        "its figures are partial"
        for r in runs
        if not r.complete
    ]
    notes += [
        f"run {r.script_path.stem}: k6 dropped {r.dropped_iterations} arrivals (no free VU): the service "
        "fell behind the arrival rate, so latency and req/s understate the overload"
        for r in runs
        if r.dropped_iterations
    ]
    mix_note = next((r.mix.note() for r in runs if r.mix is not None), None)
    if mix_note:
        notes.append(mix_note)
    breaking = next((r.breaking_point_rps for r in runs if r.breaking_point_rps is not None), None)
    if inp.profile == "stress":
        notes.append(
            f"breaking point: {breaking:g} req/s, the rate reached when k6 aborted on "
            f"{', '.join(runs[-1].crossed_thresholds)}"
            if breaking is not None
            else "no breaking point: the limits held up to the end of the ramp"
        )
    return LoadTestOutput(
        profile=inp.profile,
        label=inp.label,
        baseline=chosen,
        runs=runs,
        noise_floor_pct=noise,
        rps_spread_pct=spread_pct([b.overall.rps if b else None for b in baselines]),
        breaking_point_rps=breaking,
        soak_drift_pct=next((r.drift_pct for r in runs if r.drift_pct is not None), None),
        files=[str(p) for r in runs for p in _run_files(r) if p.exists()],
        notes=notes,
    )


SKILL: Skill[LoadTestInput, LoadTestOutput] = Skill(
    name="load-test-runner",
    input_model=LoadTestInput,
    output_model=LoadTestOutput,
    run=run,
)
