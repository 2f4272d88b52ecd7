"""Profile a live Python service while a load test drives it: py-spy stacks, a flame graph, RSS and I/O.

Use as a context manager around the load test; `result` then holds the LiveProfile (recorded, or why
not) and the Profile read back from py-spy's collapsed stacks. Nothing here can fail the load test:
a profiler that cannot attach leaves a reason, and the run goes on."""

from __future__ import annotations

import re
from pathlib import Path
from types import TracebackType
from typing import Any

import structlog

from perfpilot.artifacts.profiles import LiveProfile, ProcessActivity, ThreadTimeSplit
from perfpilot.evidence.collapsed import load_collapsed
from perfpilot.evidence.errors import EvidenceError
from perfpilot.evidence.process_usage import rss_fit
from perfpilot.evidence.profile_models import Profile
from perfpilot.skills.application_profiling.flamegraph import render_flamegraph
from perfpilot.skills.application_profiling.memory_trace import SnapshotTaker, memory_trace
from perfpilot.skills.application_profiling.process_watch import ProcessWatch
from perfpilot.skills.application_profiling.pyspy import PySpyRecording, attach_obstacle
from perfpilot.skills.application_profiling.thread_time import thread_time_split

_ENDS_WITH_COUNT = re.compile(r" \d+$")
_COMMAND_LINE = re.compile(r'^(process \d+):".*?";')
RATE_HZ = 50
"""Samples per second: half py-spy's default, enough for shares to the percent over a minute."""

log = structlog.get_logger(__name__)


def _join_broken_lines(stacks: Path) -> None:
    """py-spy writes a process's command line into its `process N:"..."` frame as is: a command with a
    newline in it (python -c "...") splits that stack over lines. Join them back (a stack ends in a count)
    and keep `process N` only, as the report links this file and a command line may hold secrets."""
    text = stacks.read_text(errors="replace")
    joined, pending = [], ""
    for line in text.splitlines():
        pending = f"{pending}\\n{line}" if pending else line
        unclosed = pending.startswith("process ") and '";' not in pending  # still inside the command line
        if _ENDS_WITH_COUNT.search(pending) and not unclosed:
            joined.append(_COMMAND_LINE.sub(r"\1;", pending))
            pending = ""
    stacks.write_text("\n".join(joined) + "\n")


class LiveProfiler:
    """Samples `pid` for at most `duration_s` (plus slack), writing into `out_dir`; `run` names the load
    test in the flame graph's title and, unless it is the baseline, in the file names."""

    def __init__(
        self,
        pid: int,
        out_dir: Path,
        *,
        duration_s: float,
        rate_hz: int = RATE_HZ,
        run: str = "baseline",
        memory_dir: Path | None = None,
    ) -> None:
        self.pid = pid
        self.out_dir = out_dir
        self.rate_hz = rate_hz
        self.run = run
        suffix = "" if run == "baseline" else f"-{run}"
        self.stacks = out_dir / f"live-stacks{suffix}.txt"
        self.idle_stacks = out_dir / f"live-stacks-idle{suffix}.txt"
        self.svg = out_dir / f"flamegraph{suffix}.svg"
        self.watch = ProcessWatch(pid)
        self.obstacle = attach_obstacle(pid)
        self.recording, self.idle_recording = None, None
        if not self.obstacle:  # running threads (the flame graph), and every thread (on CPU vs waiting)
            self.recording = PySpyRecording(pid, self.stacks, duration_s=duration_s + 5, rate_hz=rate_hz)
            self.idle_recording = PySpyRecording(
                pid, self.idle_stacks, duration_s=duration_s + 5, rate_hz=rate_hz, idle=True
            )
        self.idle_missing: str | None = None
        self.snapshots = SnapshotTaker(pid, memory_dir) if memory_dir is not None else None
        self.first_snapshot: dict[str, Any] | None = None
        self.snapshot_missing = ""
        self.requests: float | None = None  # the caller sets the run's request count when it knows it
        self.result: LiveProfile | None = None
        self.profile: Profile | None = None

    def __enter__(self) -> LiveProfiler:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.stacks.unlink(missing_ok=True)
        self.idle_stacks.unlink(missing_ok=True)
        if self.snapshots is not None:  # the heap as the load test starts
            self.first_snapshot, self.snapshot_missing = self.snapshots.take()
        self.watch.start()
        if self.recording is not None and self.idle_recording is not None:
            self.recording.start()
            self.idle_recording.start()
            log.info("live_profile.started", pid=self.pid, rate_hz=self.rate_hz, argv=self.recording.argv[:3])
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        trace = None
        if self.snapshots is not None:  # the heap as the load test ends
            last, missing = self.snapshots.take() if self.first_snapshot is not None else (None, "")
            trace = memory_trace(self.first_snapshot, last, self.snapshot_missing or missing, self.requests)
        reason = self.recording.stop() if self.recording is not None else self.obstacle
        self.idle_missing = self.idle_recording.stop() if self.idle_recording is not None else self.obstacle
        self.watch.stop()
        self.result = self._result(reason).model_copy(update={"memory": trace})
        log.info("live_profile.done", status=self.result.status, reason=self.result.reason)

    def _result(self, reason: str | None) -> LiveProfile:
        fit = rss_fit(self.watch.rss)
        values = [v for _, v in self.watch.rss]
        watch = self.watch
        activity = ProcessActivity(**{name: watch.change(name) for name in ProcessActivity.model_fields})
        figures = LiveProfile(
            status="not_attached",
            pid=self.pid,
            rate_hz=self.rate_hz,
            window_s=round(self.watch.window_s, 3),
            rss_first_bytes=values[0] if values else None,
            rss_last_bytes=values[-1] if values else None,
            rss_max_bytes=max(values) if values else None,
            rss_points=len(values),
            rss_growth_bytes_per_min=round(fit[0], 1) if fit else None,
            rss_fit_r2=round(fit[1], 4) if fit else None,
            io_read_bytes=watch.change("read_bytes"),
            io_write_bytes=watch.change("write_bytes"),
            activity=activity if watch.first is not None else None,
            requests=self.requests,
        )
        if reason is not None:
            return figures.model_copy(
                update={"reason": f"py-spy could not attach to pid {self.pid}: {reason}"}
            )
        try:
            _join_broken_lines(self.stacks)
            profile = load_collapsed(self.stacks, source=str(self.stacks))
        except EvidenceError as exc:
            return figures.model_copy(
                update={"status": "no_samples", "reason": exc.message, "stacks_file": str(self.stacks)}
            )
        self.profile = profile.model_copy(
            update={"process": f"pid {self.pid}", "duration_s": figures.window_s}
        )
        self.svg.write_text(
            render_flamegraph(profile, f"Service pid {self.pid} under the {self.run} load test")
        )
        return figures.model_copy(
            update={
                "status": "recorded",
                "samples": profile.total,
                "stacks_file": str(self.stacks),
                "flame_graph": str(self.svg),
                "threads": self._thread_time(profile),
            }
        )

    def _thread_time(self, running: Profile) -> ThreadTimeSplit | None:
        """On CPU vs waiting, when the --idle recording has samples too (else None: not measured)."""
        if self.idle_missing is not None:
            log.info("live_profile.no_idle_recording", reason=self.idle_missing)
            return None
        try:
            _join_broken_lines(self.idle_stacks)
            everything = load_collapsed(self.idle_stacks, source=str(self.idle_stacks))
        except EvidenceError as exc:
            log.info("live_profile.no_idle_recording", reason=exc.message)
            return None
        if self.profile is not None:  # where threads wait: the application-profiler reads lock waits there
            waiting = everything.model_copy(update={"value_type": "wall", "process": f"pid {self.pid}"})
            self.profile = self.profile.model_copy(update={"waiting": waiting})
        return thread_time_split(running, everything)
