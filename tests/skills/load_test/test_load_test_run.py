"""Real k6 runs against a loopback server: Baseline per endpoint, IP blocking, Ctrl-C, timeout, stress."""

from __future__ import annotations

import json
import os
import signal
import threading
from pathlib import Path
from typing import Any

import pytest

from perfpilot.skills.load_test.execution import run_profile
from perfpilot.skills.load_test.hosts import HostNotAllowedError, blocked_ranges, resolve
from perfpilot.skills.load_test.k6_baseline import baseline_from_k6
from perfpilot.skills.load_test.profiles import ProfilePlan, Stage, plan_profile
from perfpilot.skills.load_test.runner import clean_environment, k6_command, run_k6
from perfpilot.skills.load_test.scripts import endpoint_names, render_script, write_script
from perfpilot.target.spec import HttpSource

pytestmark = pytest.mark.k6


def _shop(base_url: str, **overrides: Any) -> HttpSource:
    data: dict[str, Any] = {
        "base_url": base_url,
        "baseline_rps": 30,
        "endpoints": [
            {"name": "order detail", "path": "/orders/${id}", "params": {"id": ["7", "a b/c"]}, "weight": 2},
            {"name": "broken", "path": "/err"},
            {
                "name": "create",
                "method": "POST",
                "path": "/orders",
                "body": '{"sku": "${sku}"}',
                "params": {"sku": ["x1"]},
            },
        ],
    }
    data.update(overrides)
    return HttpSource.model_validate(data)


def test_short_run_gives_a_baseline_per_endpoint(loopback: Any, k6_binary: str, tmp_path: Path) -> None:
    http = _shop(loopback.base_url)
    result = run_profile(http, plan_profile("baseline", 30, duration_s=2), tmp_path, k6=Path(k6_binary))

    assert result.exit_code == 0 and result.complete and result.summary is not None
    baseline = baseline_from_k6(result.summary, endpoint_names(http))
    assert [e.name for e in baseline.endpoints] == ["order detail", "broken", "create"]
    served = sum(loopback.hits.values())
    assert sum(e.requests for e in baseline.endpoints) == baseline.overall.requests == served
    broken, detail = baseline.endpoint("broken"), baseline.endpoint("order detail")
    create = baseline.endpoint("create")
    assert broken is not None and detail is not None and create is not None
    assert broken.error_rate == 1.0 and detail.error_rate == 0.0 and create.error_rate == 0.0
    assert broken.requests == loopback.hits["/err"]
    for stats in (baseline.overall, detail, create):
        lat = stats.latency
        assert lat.p50_ms is not None and lat.p90_ms is not None and lat.p95_ms is not None
        assert lat.p99_ms is not None and lat.max_ms is not None
        assert 0 < lat.p50_ms <= lat.p90_ms <= lat.p95_ms <= lat.p99_ms <= lat.max_ms
        assert stats.rps is not None and stats.rps > 0
    # params are drawn from the lists and URL-encoded; the body template is filled too
    assert set(loopback.hits) <= {"/orders/7", "/orders/a%20b%2Fc", "/err", "/orders"}
    assert loopback.bodies and all(b == b'{"sku": "x1"}' for b in loopback.bodies)
    assert result.script_path.is_file() and result.summary_path.is_file()
    # a bounded run keeps its per-request durations by endpoint (JSON); k6's CSV is removed
    assert result.durations_path is not None and result.intervals_path is None
    assert not (tmp_path / "baseline.samples.csv").exists()
    durations = json.loads(result.durations_path.read_text())
    assert len(durations["overall"]) == baseline.overall.requests
    for stats in baseline.endpoints:
        assert len(durations[stats.name]) == stats.requests


def test_undeclared_host_never_reaches_k6(loopback: Any, tmp_path: Path) -> None:
    http = _shop(loopback.base_url, endpoints=[{"name": "elsewhere", "path": "http://127.0.0.9:1/x"}])
    with pytest.raises(HostNotAllowedError, match="elsewhere"):
        run_profile(http, plan_profile("baseline", 5, duration_s=1), tmp_path)
    assert not list(tmp_path.iterdir())


def test_k6_blocks_ips_outside_the_allow_list(loopback_module: Any, k6_binary: str, tmp_path: Path) -> None:
    with loopback_module.serving("127.0.0.1") as allowed, loopback_module.serving("127.0.0.2") as other:
        http = _shop(
            allowed.base_url,
            endpoints=[{"name": "ok", "path": "/orders/1"}, {"name": "other", "path": f"{other.base_url}/x"}],
            allowed_hosts=["127.0.0.2"],
        )
        plan = plan_profile("baseline", 20, duration_s=1)
        script = write_script(tmp_path / "blocked.js", render_script(http, plan))
        summary_path = tmp_path / "blocked.summary.json"
        argv = k6_command(Path(k6_binary), script, summary_path, blocked_ranges(resolve(["127.0.0.1"])))
        process = run_k6(argv, env=clean_environment(tmp_path / "home"), cwd=tmp_path, timeout_s=30)

        assert process.exit_code == 0
        assert sum(other.hits.values()) == 0 and sum(allowed.hits.values()) > 0
    from perfpilot.evidence.k6_summary import load_k6_summary

    baseline = baseline_from_k6(load_k6_summary(summary_path), endpoint_names(http))
    blocked = baseline.endpoint("other")
    assert blocked is not None and blocked.requests > 0 and blocked.error_rate == 1.0


def test_ctrl_c_stops_k6_and_keeps_what_was_measured(loopback: Any, k6_binary: str, tmp_path: Path) -> None:
    http = _shop(loopback.base_url)
    plan = plan_profile("soak", 30, duration_s=120)
    timer = threading.Timer(2.0, os.kill, args=(os.getpid(), signal.SIGINT))
    timer.start()
    try:
        result = run_profile(http, plan, tmp_path, k6=Path(k6_binary))
    finally:
        timer.cancel()

    assert result.interrupted and not result.complete
    assert result.summary is not None and result.duration_s is not None
    assert result.duration_s < plan.duration_s
    baseline = baseline_from_k6(result.summary, endpoint_names(http))
    # a request in flight at the interrupt reached the server but never completed in k6
    assert 0 < baseline.overall.requests <= sum(loopback.hits.values())
    with pytest.raises(ProcessLookupError):
        os.kill(result.pid, 0)


def test_timeout_stops_k6_and_keeps_what_was_measured(loopback: Any, k6_binary: str, tmp_path: Path) -> None:
    http = _shop(loopback.base_url)
    plan = plan_profile("soak", 30, duration_s=120)
    result = run_profile(http, plan, tmp_path, k6=Path(k6_binary), timeout_s=1.5)

    assert result.timed_out and not result.interrupted
    assert result.summary is not None and result.duration_s is not None
    assert result.duration_s < plan.duration_s
    with pytest.raises(ProcessLookupError):
        os.kill(result.pid, 0)


def test_stress_finds_the_breaking_point(
    loopback: Any, loopback_module: Any, k6_binary: str, tmp_path: Path
) -> None:
    capacity = loopback_module.CAPACITY_PER_S
    http = _shop(loopback.base_url, endpoints=[{"name": "limited", "path": "/limited"}])
    plan = ProfilePlan(
        profile="stress",
        duration_s=8,
        rate_rps=10,
        stages=[Stage(duration_s=8, target_rps=130)],
        max_error_rate=0.05,
        max_p95_ms=5000,
    )
    result = run_profile(http, plan, tmp_path, k6=Path(k6_binary))

    assert result.exit_code == 99
    assert "http_req_failed rate<0.05" in result.crossed_thresholds
    assert result.duration_s is not None and result.duration_s < plan.duration_s
    assert result.abort_rate_rps == pytest.approx(plan.rate_at(result.duration_s), abs=0.01)
    # the breaking point is the measured rate of the first second past a limit: the server sheds load
    # only above its capacity, and that second comes before k6's (cumulative, delayed) abort
    breach = result.breaking_interval
    assert breach is not None and breach.error_rate >= 0.05
    assert result.breaking_point_rps == breach.requests
    # (k6's seconds and the server's are not exactly aligned, hence the slack)
    assert capacity * 0.8 < result.breaking_point_rps <= result.abort_rate_rps + 5


def test_soak_reports_latency_drift(loopback: Any, k6_binary: str, tmp_path: Path) -> None:
    http = _shop(loopback.base_url, endpoints=[{"name": "leaky", "path": "/drift"}])
    result = run_profile(http, plan_profile("soak", 30, duration_s=3), tmp_path, k6=Path(k6_binary))

    phases = result.phase_p95_ms
    assert set(phases) == {"first", "middle", "last"}
    assert phases["first"] < phases["middle"] < phases["last"]
    growth = (phases["last"] - phases["first"]) / phases["first"] * 100
    assert result.drift_pct == pytest.approx(growth, abs=0.01)


def test_a_broken_script_surfaces_k6s_error(k6_binary: str, tmp_path: Path) -> None:
    script = tmp_path / "broken.js"
    script.write_text("throw new Error('boom at init');\nexport default function () {}\n", encoding="utf-8")
    argv = k6_command(Path(k6_binary), script, tmp_path / "s.json", [])
    process = run_k6(argv, env=clean_environment(tmp_path / "home"), cwd=tmp_path, timeout_s=30)

    assert process.exit_code not in (0, None) and not process.interrupted
    assert any("boom at init" in line for line in process.stderr_tail)
    assert not (tmp_path / "s.json").exists()
