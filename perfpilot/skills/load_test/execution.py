"""Run one load profile end to end: check hosts, write the script, run k6, load the summary."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import structlog
from pydantic import BaseModel, ConfigDict, Field

from perfpilot.evidence.errors import EvidenceError
from perfpilot.evidence.k6_summary import load_k6_summary
from perfpilot.evidence.models import K6Summary
from perfpilot.redaction import redact
from perfpilot.skills.base import SkillError
from perfpilot.skills.load_test.hosts import blocked_ranges, check_allowed_hosts, resolve
from perfpilot.skills.load_test.intervals import Interval, first_breach, per_second
from perfpilot.skills.load_test.k6_baseline import drift_pct, phase_p95
from perfpilot.skills.load_test.mix import RequestMix
from perfpilot.skills.load_test.profiles import ProfileName, ProfilePlan
from perfpilot.skills.load_test.request_durations import MAX_CAPTURED_REQUESTS, write_durations
from perfpilot.skills.load_test.runner import (
    EXIT_THRESHOLDS_FAILED,
    ProgressCallback,
    clean_environment,
    find_k6,
    k6_command,
    run_k6,
)
from perfpilot.skills.load_test.scripts import (
    DEFAULT_SEED,
    endpoint_names,
    plan_request_mix,
    render_script,
    write_script,
)
from perfpilot.target.spec import HttpSource

log = structlog.get_logger(__name__)

TIMEOUT_MARGIN_S = 60.0


class K6RunError(SkillError):
    """k6 ended without writing a summary although nobody stopped it; the message holds its stderr."""


class LoadTestResult(BaseModel):
    """One k6 run: what was asked, how it ended, and the summary it wrote (partial when stopped early)."""

    model_config = ConfigDict(extra="forbid")

    profile: ProfileName
    label: str | None = None
    planned_duration_s: float
    duration_s: float | None = Field(default=None, description="Measured by k6 (testRunDurationMs).")
    summary: K6Summary | None = Field(default=None, exclude=True, description="Parsed summary (not dumped).")
    breaking_point_rps: float | None = Field(
        default=None,
        description="Stress: requests/s measured in the first second that crossed a limit "
        "(else the ramp's rate when k6 aborted).",
    )
    abort_rate_rps: float | None = Field(default=None, description="Stress: the ramp's rate when k6 aborted.")
    breaking_interval: Interval | None = None
    intervals_path: Path | None = None
    durations_path: Path | None = Field(
        default=None, description="Per-request durations by endpoint (JSON), for runs of bounded size."
    )
    crossed_thresholds: list[str] = Field(default_factory=list)
    phase_p95_ms: dict[str, float] = Field(
        default_factory=dict, description="Soak: p95 of the first, middle and last third of the run."
    )
    drift_pct: float | None = Field(default=None, description="Soak: p95 growth, last third vs first, %.")
    dropped_iterations: int = Field(
        default=0, description="Arrivals k6 could not start (no free VU): the service fell behind the rate."
    )
    mix: RequestMix | None = Field(default=None, description="Constant-rate runs: the request shares sent.")
    exit_code: int | None
    interrupted: bool = False
    timed_out: bool = False
    script_path: Path
    summary_path: Path
    pid: int

    @property
    def complete(self) -> bool:
        return not (self.interrupted or self.timed_out)


def crossed_thresholds(summary_path: Path) -> list[str]:
    """'metric expression' for every threshold k6 marked as failed in a handleSummary JSON file."""
    try:
        document: Any = json.loads(summary_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return []
    crossed = []
    for name, metric in (document.get("metrics") or {}).items():
        for expression, state in (metric.get("thresholds") or {}).items():
            if isinstance(state, dict) and state.get("ok") is False:
                crossed.append(f"{name} {expression}")
    return sorted(crossed)


def aborting_limits(plan: ProfilePlan, breach: Interval | None, exit_code: int | None) -> list[str]:
    """The abort thresholds a stopped stress run crossed, read from its per-second samples. k6 judges
    its end summary over every request, those finishing after the abort included, so a failure rate
    that stopped the run can be back under its limit there; exit code 99 and the breach still say it."""
    if exit_code != EXIT_THRESHOLDS_FAILED or breach is None:
        return []
    crossed = []
    if plan.max_error_rate is not None and breach.error_rate >= plan.max_error_rate:
        crossed.append(f"http_req_failed rate<{plan.max_error_rate:g}")
    if plan.max_p95_ms is not None and breach.p95_ms is not None and breach.p95_ms >= plan.max_p95_ms:
        crossed.append(f"http_req_duration p(95)<{plan.max_p95_ms:g}")
    return crossed


def _load(summary_path: Path) -> K6Summary | None:
    if not summary_path.is_file():
        return None
    try:
        return load_k6_summary(summary_path)
    except EvidenceError as exc:
        log.warning("k6.summary_unreadable", error=str(exc))
        return None


def _dropped(summary: K6Summary | None) -> int:
    metric = summary.metric("dropped_iterations") if summary else None
    return int(metric.values.get("count", 0)) if metric else 0


def run_profile(
    http: HttpSource,
    plan: ProfilePlan,
    out_dir: Path,
    *,
    run_name: str | None = None,
    label: str | None = None,
    seed: int = DEFAULT_SEED,
    timeout_s: float | None = None,
    k6: Path | None = None,
    on_progress: ProgressCallback | None = None,
) -> LoadTestResult:
    """Refuse undeclared hosts, render and run the profile's script, and parse what k6 measured."""
    hosts = check_allowed_hosts(http)
    blocked = blocked_ranges(resolve(hosts))
    stem = run_name or "-".join(p for p in (label, plan.profile) if p)
    mix = plan_request_mix(http, plan)
    script = write_script(out_dir / f"{stem}.js", render_script(http, plan, seed=seed, mix=mix))
    summary_path = out_dir / f"{stem}.summary.json"
    summary_path.unlink(missing_ok=True)
    intervals_path = out_dir / f"{stem}.samples.csv" if plan.stages else None
    bounded = plan.peak_rps * plan.duration_s <= MAX_CAPTURED_REQUESTS
    samples_path = intervals_path or (out_dir / f"{stem}.samples.csv" if bounded else None)
    if samples_path is not None:
        samples_path.unlink(missing_ok=True)
    extra = ["--out", f"csv={samples_path.resolve()}"] if samples_path else []
    argv = k6_command(k6 or find_k6(), script, summary_path, blocked, extra)
    log.info("k6.start", profile=plan.profile, rate_rps=plan.rate_rps, duration_s=plan.duration_s,
             script=str(script), hosts=sorted(hosts))
    process = run_k6(
        argv,
        env=clean_environment(out_dir / ".k6-home"),
        cwd=out_dir,
        timeout_s=timeout_s if timeout_s is not None else plan.duration_s + TIMEOUT_MARGIN_S,
        on_progress=on_progress,
    )
    summary = _load(summary_path)
    if summary is None and not (process.interrupted or process.timed_out):
        raise K6RunError(
            f"k6 exited with code {process.exit_code} without a summary; stderr:\n"
            + redact("\n".join(process.stderr_tail))
        )
    duration = summary.duration_s if summary else None
    abort_rate = breaking_point = None
    breach = None
    if plan.stages and duration is not None and process.exit_code == EXIT_THRESHOLDS_FAILED:
        abort_rate = breaking_point = round(plan.rate_at(duration), 2)
        if intervals_path is not None and intervals_path.is_file():
            breach = first_breach(per_second(intervals_path), plan.max_error_rate, plan.max_p95_ms)
            breaking_point = float(breach.requests) if breach else breaking_point
    durations = None
    if samples_path is not None and bounded:
        durations = write_durations(samples_path, out_dir / f"{stem}.durations.json", endpoint_names(http))
    if samples_path is not None and intervals_path is None:  # the CSV stays only for a stress run
        samples_path.unlink(missing_ok=True)
    phases = phase_p95(summary) if summary and plan.profile == "soak" else {}
    return LoadTestResult(
        profile=plan.profile,
        label=label,
        planned_duration_s=plan.duration_s,
        duration_s=duration,
        summary=summary,
        breaking_point_rps=breaking_point,
        abort_rate_rps=abort_rate,
        breaking_interval=breach,
        intervals_path=intervals_path,
        durations_path=durations,
        crossed_thresholds=(
            crossed_thresholds(summary_path) or aborting_limits(plan, breach, process.exit_code)
        ),
        dropped_iterations=_dropped(summary),
        phase_p95_ms=phases,
        drift_pct=drift_pct(phases),
        mix=mix,
        exit_code=process.exit_code,
        interrupted=process.interrupted,
        timed_out=process.timed_out,
        script_path=script,
        summary_path=summary_path,
        pid=process.pid,
    )
