"""Live profiling with the real py-spy against small real processes, and what the report says of it."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from perfpilot.artifacts import BottleneckInventory
from perfpilot.artifacts.profiles import HotFunctionShare, LiveProfile, ProcessActivity, ThreadTimeSplit
from perfpilot.artifacts.report import RunReport
from perfpilot.artifacts.validation import ValidationReport
from perfpilot.reports.live_profile import live_profile_markdown
from perfpilot.skills.application_profiling.live import LiveProfiler
from perfpilot.skills.application_profiling.pyspy import attach_obstacle, pyspy_binary

BUSY = """
import time
def spin_for_profiler():
    total = 0
    for i in range(10_000_000):
        total += i * i
    return total
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    spin_for_profiler()
"""


@pytest.fixture
def busy_python() -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen([sys.executable, "-c", BUSY])
    yield proc
    proc.kill()
    proc.wait()


def _skip_unless_attachable(pid: int) -> None:
    if pyspy_binary() is None:
        pytest.skip("py-spy is not installed (pip install -e '.[dev]')")
    obstacle = attach_obstacle(pid)
    if obstacle is not None:
        pytest.skip(f"py-spy cannot attach here: {obstacle}")


def _until_samples(profiler: LiveProfiler, proc: subprocess.Popen[bytes]) -> None:
    """Stand-in for the load test: wait while py-spy samples (it stops itself at its duration)."""
    recording = profiler.recording
    assert recording is not None and recording.proc is not None
    recording.proc.wait(timeout=60)
    assert proc.poll() is None


def test_py_spy_samples_a_real_python_process_into_stacks_and_a_flame_graph(
    tmp_path: Path, busy_python: subprocess.Popen[bytes]
) -> None:
    _skip_unless_attachable(busy_python.pid)
    time.sleep(0.5)  # let the interpreter start, so py-spy finds it (not a timing assertion)
    with LiveProfiler(busy_python.pid, tmp_path, duration_s=1, rate_hz=50) as profiler:
        _until_samples(profiler, busy_python)
    result = profiler.result
    assert result is not None
    if result.status == "not_attached" and "ptrace not permitted" in result.reason:
        pytest.skip(result.reason)
    assert result.status == "recorded", result.reason
    assert result.samples > 0
    assert profiler.profile is not None
    assert any(f.function == "spin_for_profiler" for f in profiler.profile.frames)
    svg = (tmp_path / "flamegraph.svg").read_text()
    assert svg.startswith("<svg") and "spin_for_profiler (&lt;string&gt;:" in svg
    stacks = (tmp_path / "live-stacks.txt").read_text()
    assert "spin_for_profiler" in stacks
    assert f"process {busy_python.pid};" in stacks and sys.executable not in stacks  # no command line
    assert result.rss_points >= 2 and result.rss_first_bytes is not None and result.rss_first_bytes > 0


def test_a_process_that_is_not_python_is_reported_with_the_reason(tmp_path: Path) -> None:
    proc = subprocess.Popen(["sleep", "60"])
    try:
        _skip_unless_attachable(proc.pid)
        with LiveProfiler(proc.pid, tmp_path, duration_s=1, rate_hz=50) as profiler:
            _until_samples(profiler, proc)
    finally:
        proc.kill()
        proc.wait()
    result = profiler.result
    assert result is not None
    assert result.status == "not_attached"
    assert result.reason.startswith(f"py-spy could not attach to pid {proc.pid}: ")
    assert "not a Python process" in result.reason or "ptrace not permitted" in result.reason
    assert not (tmp_path / "flamegraph.svg").exists()


def test_a_process_gone_is_said_so_before_trying(tmp_path: Path) -> None:
    proc = subprocess.Popen(["true"])
    proc.wait()
    with LiveProfiler(proc.pid, tmp_path, duration_s=1) as profiler:
        pass
    assert profiler.recording is None
    assert profiler.result is not None
    assert (
        profiler.result.reason
        == f"py-spy could not attach to pid {proc.pid}: process {proc.pid} is not running"
    )


def _report(profile: LiveProfile) -> RunReport:
    return RunReport(
        run_id="r", target="t", status="projected", inventory=BottleneckInventory(live_profile=profile)
    )


def test_report_links_the_flame_graph_or_says_why_there_is_none() -> None:
    recorded = LiveProfile(
        status="recorded",
        pid=7,
        rate_hz=50,
        window_s=60.0,
        samples=2950,
        stacks_file="work/p/live-stacks.txt",
        flame_graph="work/p/flamegraph.svg",
        rss_first_bytes=40 * 2**20,
        rss_last_bytes=42 * 2**20,
        rss_max_bytes=42 * 2**20,
        rss_growth_bytes_per_min=2 * 2**20,
        rss_fit_r2=0.98,
        rss_points=61,
        io_read_bytes=0.0,
        io_write_bytes=2**20,
    )
    assert live_profile_markdown(_report(recorded)) == [
        "### Live profile (py-spy, pid 7, 50 Hz, 60 s of the baseline load test)",
        "",
        "- [flame graph (SVG)](work/p/flamegraph.svg) · [collapsed stacks](work/p/live-stacks.txt)",
        "- 2,950 samples",
        "- RSS (service and its children): 40 MiB → 42 MiB, max 42 MiB, +2 MiB/min (least squares, r² 0.98, "
        "61 points); over 60 s this is a trend (warm-up included), not proof of a leak",
        "- I/O over the window: read 0 MiB, wrote 1 MiB",
        "",
    ]
    refused = LiveProfile(
        status="not_attached",
        pid=7,
        rate_hz=50,
        window_s=60.0,
        reason="py-spy could not "
        "attach to pid 7: ptrace not permitted: Error: Permission denied (os error 13).",
    )
    lines = live_profile_markdown(_report(refused))
    assert "- No stacks recorded: py-spy could not attach to pid 7: ptrace not permitted" in lines[2]
    assert lines[2].endswith("The run went on without them.")


def test_report_gives_the_hot_functions_share_before_and_after_or_why_not() -> None:
    before = LiveProfile(
        status="recorded", pid=7, rate_hz=50, window_s=60.0, samples=3000, flame_graph="work/p/flamegraph.svg"
    )
    after = before.model_copy(update={"pid": 9, "flame_graph": "work/p/flamegraph-after.svg"})
    rows = [
        HotFunctionShare(
            function="_shingles",
            file="shop/related.py",
            subject="_shingles (shop/related.py:22)",
            status="measured",
            before_share=0.712,
            after_share=0.004,
            before_samples=2136,
            after_samples=12,
            before_cpu_s_per_s=0.712,
            after_cpu_s_per_s=0.004,
        ),
        HotFunctionShare(
            function="f",
            file="a.py",
            subject="f (a.py:1)",
            status="not_profiled",
            reason="the after load test was not profiled: no samples",
        ),
    ]
    report = _report(before).model_copy(
        update={"validation": ValidationReport(hot_functions=rows, after_profile=after)}
    )
    lines = live_profile_markdown(report)
    assert lines[2] == (
        "- [flame graph (SVG)](work/p/flamegraph.svg) · "
        "[flame graph after the changes (SVG)](work/p/flamegraph-after.svg)"
    )
    assert lines[4:6] == [
        "- _shingles (shop/related.py:22): 71.2 % (2,136 samples) of the samples before -> "
        "0.4 % (12 samples) after the changes (on the stack, same load); "
        "threads in it on average 0.712 -> 0.004 (samples of non-idle threads / rate / seconds)",
        "- f (a.py:1): before -> after not profiled (the after load test was not profiled: no samples)",
    ]


BUSY_AND_WAITING = """
import threading, time
def wait_on_something():
    while True:
        time.sleep(0.2)
def spin_for_profiler():
    while True:
        sum(i * i for i in range(10000))
threading.Thread(target=wait_on_something, daemon=True).start()
spin_for_profiler()
"""


def test_on_cpu_and_waiting_thread_time_and_process_counters_are_measured(tmp_path: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-c", BUSY_AND_WAITING])
    try:
        _skip_unless_attachable(proc.pid)
        time.sleep(0.5)  # let the interpreter start (not a timing assertion)
        with LiveProfiler(proc.pid, tmp_path, duration_s=1, rate_hz=50) as profiler:
            _until_samples(profiler, proc)
            assert profiler.idle_recording is not None and profiler.idle_recording.proc is not None
            profiler.idle_recording.proc.wait(timeout=60)
            profiler.requests = 40
    finally:
        proc.kill()
        proc.wait()
    result = profiler.result
    assert result is not None
    if result.status == "not_attached" and "ptrace not permitted" in result.reason:
        pytest.skip(result.reason)
    assert result.status == "recorded", result.reason
    split = result.threads
    assert split is not None, "the --idle recording gave no samples"
    assert "wait_on_something" in (tmp_path / "live-stacks-idle.txt").read_text()  # sleeping: --idle only
    waiting = profiler.profile.waiting if profiler.profile is not None else None
    assert waiting is not None and waiting.value_type == "wall" and waiting.total == split.all_samples
    assert split.all_samples > split.running_samples and split.waiting_for_work_samples == 0
    assert split.on_cpu_share is not None and 0 < split.on_cpu_share < 1
    assert split.waiting_share == round(1 - split.on_cpu_share, 4) and split.db_driver_share == 0
    assert result.requests == 40
    activity = result.activity
    assert activity is not None and activity.cpu_s is not None and activity.cpu_s > 0
    assert activity.voluntary_switches is not None and activity.voluntary_switches > 0  # the sleeps


def test_report_gives_cpu_system_calls_and_waits_per_request() -> None:
    profile = LiveProfile(
        status="recorded", pid=7, rate_hz=50, window_s=60.0, samples=3000, requests=1200,
        rss_growth_bytes_per_min=2 * 2**20, rss_fit_r2=0.9, rss_points=61,
        activity=ProcessActivity(cpu_s=30.0, read_syscalls=2400, write_syscalls=3600, read_chars=2**20,
                                 write_chars=2 * 2**20, voluntary_switches=5000, involuntary_switches=70),
        threads=ThreadTimeSplit(all_samples=9000, running_samples=3000, waiting_for_work_samples=5000,
                                on_cpu_share=0.75, waiting_share=0.25, db_driver_share=0.1),
    )  # fmt: skip
    lines = live_profile_markdown(_report(profile))
    assert lines[4:9] == [
        "- CPU: 30 s over 60 s (0.5 cores) (25 ms per request), 1,200 requests",
        "- System calls: 2,400 reads, 3,600 writes (5 calls per request); 1 MiB read and 2 MiB written "
        "through them (sockets and files)",
        "- Context switches: 5,000 voluntary (a thread waited), 70 involuntary (preempted)",
        "- RSS growth per request: 1.71 KiB (the fitted slope)",
        "- Thread time at work (py-spy with and without --idle, 9,000 and 3,000 samples; 5,000 of idle "
        "workers set aside): 75 % on CPU, 25 % waiting; 10 % with a database driver frame on the stack (a C "
        "driver such as sqlite3 has none: its time shows under its caller)",
    ]
