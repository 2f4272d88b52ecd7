"""Memory tracing a target opted into: a real service under the tracemalloc launcher, snapshots on
request, its heap growth and the line that allocates; and what the report says of it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pydantic import ValidationError

from perfpilot.artifacts import BottleneckInventory
from perfpilot.artifacts.profiles import AllocationSite, LiveProfile, MemoryTrace
from perfpilot.artifacts.report import RunReport
from perfpilot.live.memtrace import traced
from perfpilot.reports.live_profile import live_profile_markdown
from perfpilot.skills.application_profiling.live import LiveProfiler
from perfpilot.skills.application_profiling.memory_trace import SnapshotTaker
from perfpilot.target.spec import ServiceSource

LEAKY = """
import time
kept = []
def handle_request():
    kept.append(bytearray(10_000))
while True:
    handle_request()
    time.sleep(0.002)
"""


def test_a_traced_service_reports_its_heap_growth_and_the_growing_line(tmp_path: Path) -> None:
    script = tmp_path / "leaky.py"
    script.write_text(LEAKY)
    out = tmp_path / "memtrace"
    service = subprocess.Popen(traced([sys.executable, str(script)], out))
    try:
        deadline = time.monotonic() + 30
        while not out.is_dir() and time.monotonic() < deadline:  # the launcher made its folder: handler set
            time.sleep(0.05)
        time.sleep(0.3)  # let the script reach its loop (not a timing assertion)
        with LiveProfiler(service.pid, tmp_path / "p", duration_s=1, memory_dir=out) as profiler:
            time.sleep(1.0)  # stands in for the load test
            profiler.requests = 100
        assert service.poll() is None
    finally:
        service.kill()
        service.wait()
    assert profiler.result is not None
    trace = profiler.result.memory
    assert trace is not None and trace.status == "traced", trace
    assert trace.traced_end_bytes is not None and trace.traced_start_bytes is not None
    assert trace.traced_end_bytes > trace.traced_start_bytes
    assert trace.growth_bytes_per_request is not None and trace.growth_bytes_per_request > 0
    top = trace.top_growth[0]
    assert (Path(top.file).name, top.line) == ("leaky.py", 5)  # kept.append(bytearray(10_000))
    assert sorted(p.name for p in out.iterdir()) == [
        f"snapshot-{service.pid}-1.json", f"snapshot-{service.pid}-2.json",
        f"take-{service.pid}-1", f"take-{service.pid}-2",
    ]  # fmt: skip


def test_a_service_that_writes_no_snapshot_is_said_so(tmp_path: Path) -> None:
    snapshot, reason = SnapshotTaker(os.getpid(), tmp_path).take(wait_s=0.5)  # nobody watches tmp_path
    assert snapshot is None and reason == "the service wrote no snapshot within 0.5 s of being asked"
    assert (tmp_path / f"take-{os.getpid()}-1").is_file()


def test_only_a_python_command_can_be_traced() -> None:
    assert traced(["py", "-m", "shop.serve", "--port", "1"], Path("/o"))[2:] == [
        "/o", "1", "-m", "shop.serve", "--port", "1"
    ]
    with pytest.raises(ValidationError, match="memory_trace needs a Python command"):
        ServiceSource(command=["./server", "--port", "1"], memory_trace="tracemalloc")


def test_report_gives_heap_growth_per_minute_and_request_and_the_sites() -> None:
    trace = MemoryTrace(
        status="traced", window_s=60, traced_start_bytes=10 * 2**20, traced_end_bytes=16 * 2**20,
        peak_bytes=17 * 2**20, growth_bytes_per_min=6 * 2**20, growth_bytes_per_request=5120,
        top_growth=[AllocationSite(file="app.py", line=5, size_bytes=6 * 2**20, count=600,
                                   size_diff_bytes=6 * 2**20, count_diff=600)],
        top_size=[AllocationSite(file="app.py", line=5, size_bytes=6 * 2**20, count=600)],
    )  # fmt: skip
    profile = LiveProfile(status="recorded", pid=7, rate_hz=50, window_s=60.0, memory=trace)
    report = RunReport(
        run_id="r", target="t", status="projected", inventory=BottleneckInventory(live_profile=profile)
    )
    assert live_profile_markdown(report)[3:6] == [
        "- Python heap (tracemalloc, which slows allocation): 10 MiB → 16 MiB over 60 s, peak 17 MiB; "
        "+6,144 KiB/min, +5 KiB per request",
        "- Allocation sites that grew most over the window: app.py:5 +6,144 KiB (600 blocks)",
        "- Allocation sites holding most at the end: app.py:5 6 MiB",
    ]
    missing = profile.model_copy(update={"memory": MemoryTrace(status="no_snapshot", reason="why")})
    assert "- No memory trace: why" in live_profile_markdown(report.model_copy(
        update={"inventory": BottleneckInventory(live_profile=missing)}))  # fmt: skip
