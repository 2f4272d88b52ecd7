"""What the service's processes did over a live profile's window: CPU, system calls, waits, the heap."""

from __future__ import annotations

from perfpilot import figures
from perfpilot.artifacts.profiles import LiveProfile

MiB = float(1 << 20)


def mib(value: float | None) -> str:
    return "–" if value is None else f"{figures.plain(value / MiB)} MiB"


def _per(value: float | None, requests: float | None, unit: str, scale: float = 1.0) -> str:
    if value is None or not requests:
        return ""
    return f" ({figures.plain(value * scale / requests)} {unit} per request)"


def activity_facts(profile: LiveProfile) -> list[str]:
    """CPU, system calls and context switches over the window; on CPU vs waiting from py-spy --idle."""
    facts = []
    act, requests, window = profile.activity, profile.requests, profile.window_s
    if act is not None and act.cpu_s is not None and window:
        facts.append(
            f"CPU: {figures.plain(act.cpu_s)} s over {figures.plain(window)} s "
            f"({figures.plain(act.cpu_s / window)} cores){_per(act.cpu_s, requests, 'ms', 1000)}"
            + (f", {figures.plain(requests)} requests" if requests else "")
        )
    if act is not None and act.read_syscalls is not None and act.write_syscalls is not None:
        chars = (
            f"; {mib(act.read_chars)} read and {mib(act.write_chars)} written through them (sockets "
            "and files)"
            if act.read_chars is not None and act.write_chars is not None
            else ""
        )
        calls = act.read_syscalls + act.write_syscalls
        facts.append(
            f"System calls: {figures.plain(act.read_syscalls)} reads, {figures.plain(act.write_syscalls)} "
            f"writes{_per(calls, requests, 'calls')}{chars}"
        )
    if act is not None and act.voluntary_switches is not None and act.involuntary_switches is not None:
        facts.append(
            f"Context switches: {figures.plain(act.voluntary_switches)} voluntary (a thread waited), "
            f"{figures.plain(act.involuntary_switches)} involuntary (preempted)"
        )
    if profile.rss_growth_bytes_per_min is not None and requests and window:
        per_request = profile.rss_growth_bytes_per_min * window / 60 / requests
        facts.append(f"RSS growth per request: {figures.plain(per_request / 1024)} KiB (the fitted slope)")
    split = profile.threads
    if split is not None and split.on_cpu_share is not None:
        driver, idle = split.db_driver_share, figures.plain(split.waiting_for_work_samples)
        facts.append(
            f"Thread time at work (py-spy with and without --idle, {figures.plain(split.all_samples)} and "
            f"{figures.plain(split.running_samples)} samples; {idle} of idle workers set aside): "
            f"{share_text(split.on_cpu_share)} on CPU, "
            f"{share_text(split.waiting_share)} waiting; {share_text(driver)} with a database driver frame "
            "on the stack (a C driver such as sqlite3 has none: its time shows under its caller)"
        )
    return facts


def _kib(value: float | None) -> str:
    return "–" if value is None else f"{'+' if value >= 0 else '−'}{figures.plain(abs(value) / 1024)} KiB"


def memory_facts(profile: LiveProfile) -> list[str]:
    """The tracemalloc heap (targets that opted in): growth per minute and request, and its sites."""
    trace = profile.memory
    if trace is None:
        return []
    if trace.status != "traced":
        return [f"No memory trace: {trace.reason}"]
    facts = [
        f"Python heap (tracemalloc, which slows allocation): {mib(trace.traced_start_bytes)} → "
        f"{mib(trace.traced_end_bytes)} over {figures.plain(trace.window_s)} s, "
        f"peak {mib(trace.peak_bytes)}; "
        f"{_kib(trace.growth_bytes_per_min)}/min, {_kib(trace.growth_bytes_per_request)} per request"
    ]
    if trace.top_growth:
        grew = "; ".join(
            f"{s.file}:{s.line} {_kib(s.size_diff_bytes)} ({figures.plain(s.count_diff)} blocks)"
            for s in trace.top_growth
        )
        facts.append(f"Allocation sites that grew most over the window: {grew}")
    if trace.top_size:
        held = "; ".join(f"{s.file}:{s.line} {mib(s.size_bytes)}" for s in trace.top_size[:3])
        facts.append(f"Allocation sites holding most at the end: {held}")
    return facts


def share_text(value: float | None) -> str:
    return "–" if value is None else f"{figures.plain(value * 100)} %"
