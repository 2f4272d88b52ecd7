"""What live profiling recorded during the baseline load test, or why it could not."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from perfpilot.artifacts.common import Artifact


class ProcessActivity(Artifact):
    """How much the service's processes did over the window (psutil, from /proc on Linux)."""

    cpu_s: float | None = Field(default=None, description="CPU seconds, user + system, all processes.")
    read_syscalls: float | None = Field(default=None, description="read-type system calls (syscr).")
    write_syscalls: float | None = Field(default=None, description="write-type system calls (syscw).")
    read_chars: float | None = Field(default=None, description="Bytes through read calls (rchar).")
    write_chars: float | None = Field(default=None, description="Bytes through write calls (wchar).")
    voluntary_switches: float | None = Field(default=None, description="The threads waited (I/O, locks).")
    involuntary_switches: float | None = Field(default=None, description="The threads were preempted.")


class ThreadTimeSplit(Artifact):
    """Where the service's thread time went, from two py-spy recordings at the same rate over the same
    window: one of running threads only (py-spy's default) and one with idle threads too (--idle)."""

    all_samples: float = Field(description="--idle recording: every thread, running or not.")
    running_samples: float = Field(description="Default recording: threads the OS had running.")
    waiting_for_work_samples: float = Field(
        description="Threads idle for want of work: pool workers on their queue, the event loop in select."
    )
    on_cpu_share: float | None = Field(
        default=None, ge=0, le=1, description="Running / (all - waiting for work): on-CPU share of work."
    )
    waiting_share: float | None = Field(default=None, ge=0, le=1, description="1 - on_cpu_share.")
    db_driver_share: float | None = Field(
        default=None, ge=0, le=1,
        description="Samples with a database driver frame (psycopg, pymysql, sqlalchemy engine, ...) on the "
        "stack, of the working samples; a C driver (sqlite3) shows no frame of its own.",
    )


class AllocationSite(Artifact):
    """One line allocating memory that is still held (tracemalloc statistics by line)."""

    file: str
    line: int
    size_bytes: float
    count: float
    size_diff_bytes: float | None = Field(default=None, description="Growth since the first snapshot.")
    count_diff: float | None = None


class MemoryTrace(Artifact):
    """The Python heap under tracemalloc over the profiled window (a target that opted in)."""

    tracer: str = "tracemalloc"
    status: Literal["traced", "no_snapshot"]
    reason: str = ""
    window_s: float | None = None
    traced_start_bytes: float | None = None
    traced_end_bytes: float | None = None
    peak_bytes: float | None = None
    growth_bytes_per_min: float | None = None
    growth_bytes_per_request: float | None = None
    top_growth: list[AllocationSite] = Field(default_factory=list, description="Sites that grew most.")
    top_size: list[AllocationSite] = Field(default_factory=list, description="Sites holding most at the end.")


class LiveProfile(Artifact):
    """py-spy's sampling of the service during the baseline, and its memory and I/O over that window."""

    status: Literal["recorded", "not_attached", "no_samples"]
    reason: str = Field(default="", description="Why nothing was recorded (not_attached, no_samples).")
    profiler: str = "py-spy"
    pid: int
    rate_hz: int
    window_s: float = Field(ge=0, description="Seconds the process was watched.")
    samples: float = 0
    stacks_file: str | None = Field(default=None, description="Collapsed stacks (py-spy --format raw).")
    flame_graph: str | None = Field(default=None, description="SVG rendered from those stacks.")
    rss_first_bytes: float | None = None
    rss_last_bytes: float | None = None
    rss_max_bytes: float | None = None
    rss_growth_bytes_per_min: float | None = Field(
        default=None, description="Least-squares slope of RSS (process and children) over the window."
    )
    rss_fit_r2: float | None = None
    rss_points: int = 0
    io_read_bytes: float | None = Field(default=None, description="Bytes read over the window (psutil).")
    io_write_bytes: float | None = Field(default=None, description="Bytes written over the window.")
    activity: ProcessActivity | None = None
    requests: float | None = Field(default=None, description="HTTP requests k6 sent in the profiled run.")
    threads: ThreadTimeSplit | None = Field(default=None, description="On CPU vs waiting (py-spy --idle).")
    memory: MemoryTrace | None = Field(default=None, description="Targets that opted in: tracemalloc.")


class HotFunctionShare(Artifact):
    """A hot function the inventory named, measured in the before and the after profile of a live run."""

    function: str
    file: str = ""
    subject: str = Field(description="As the inventory named it: 'function (file:line)'.")
    status: Literal["measured", "not_profiled"]
    reason: str = Field(default="", description="not_profiled: which side is missing, and why.")
    before_share: float | None = Field(
        default=None, ge=0, le=1, description="Share of the before profile's samples with it on the stack."
    )
    after_share: float | None = Field(default=None, ge=0, le=1)
    before_samples: float | None = None
    after_samples: float | None = None
    before_cpu_s_per_s: float | None = Field(
        default=None, description="Its samples / rate / seconds watched: non-idle threads in it, on average."
    )
    after_cpu_s_per_s: float | None = None
