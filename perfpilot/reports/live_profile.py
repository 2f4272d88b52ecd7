"""The live profile's lines in a report: the flame graph and stacks (linked), RSS and I/O, or why none."""

from __future__ import annotations

from dataclasses import dataclass

from perfpilot import figures
from perfpilot.artifacts.profiles import LiveProfile
from perfpilot.artifacts.report import RunReport
from perfpilot.reports.live_activity import activity_facts, memory_facts, mib


@dataclass(frozen=True)
class ProfileView:
    """What the markdown and HTML reports show of a live profile."""

    heading: str
    links: list[tuple[str, str]]
    facts: list[str]


def live_profile_view(report: RunReport) -> ProfileView | None:
    """None when the run profiled nothing live (recorded evidence only)."""
    profile: LiveProfile | None = report.inventory.live_profile if report.inventory else None
    if profile is None:
        return None
    heading = f"Live profile ({profile.profiler}, pid {profile.pid}, {profile.rate_hz} Hz, "
    heading += f"{figures.plain(profile.window_s)} s of the baseline load test)"
    after = report.validation.after_profile if report.validation else None
    links = [
        (name, path)
        for name, path in (
            ("flame graph (SVG)", profile.flame_graph),
            ("collapsed stacks", profile.stacks_file),
            ("flame graph after the changes (SVG)", after.flame_graph if after else None),
            ("stacks after", after.stacks_file if after else None),
        )
        if path
    ]
    facts = []
    if profile.status == "recorded":
        facts.append(f"{figures.plain(profile.samples)} samples")
    else:
        facts.append(f"No stacks recorded: {profile.reason} The run went on without them.")
    if profile.rss_points:
        growth = profile.rss_growth_bytes_per_min
        trend = (
            ""
            if growth is None
            else (
                f", {'+' if growth >= 0 else '−'}{mib(abs(growth))}/min (least squares, r² "
                f"{figures.plain(profile.rss_fit_r2)}, {profile.rss_points} points)"
            )
        )
        facts.append(
            f"RSS (service and its children): {mib(profile.rss_first_bytes)} → "
            f"{mib(profile.rss_last_bytes)}, max {mib(profile.rss_max_bytes)}{trend}; over "
            f"{figures.plain(profile.window_s)} s this is a trend (warm-up included), not proof of a leak"
        )
    if profile.io_read_bytes is not None and profile.io_write_bytes is not None:
        facts.append(
            f"I/O over the window: read {mib(profile.io_read_bytes)}, wrote {mib(profile.io_write_bytes)}"
        )
    facts += activity_facts(profile) + memory_facts(profile) + hot_function_facts(report)
    return ProfileView(heading=heading, links=links, facts=facts)


def _share(share: float | None, samples: float | None) -> str:
    return "–" if share is None else f"{figures.plain(share * 100)} % ({figures.plain(samples or 0)} samples)"


def hot_function_facts(report: RunReport) -> list[str]:
    """One line per hot function the inventory named: its profile share before -> after, or why not."""
    rows = report.validation.hot_functions if report.validation else []
    facts = []
    for row in rows:
        if row.status != "measured":
            facts.append(f"{row.subject}: before -> after not profiled ({row.reason})")
            continue
        busy = (
            f"; threads in it on average {figures.plain(row.before_cpu_s_per_s)} -> "
            f"{figures.plain(row.after_cpu_s_per_s)} (samples of non-idle threads / rate / seconds)"
            if row.before_cpu_s_per_s is not None and row.after_cpu_s_per_s is not None
            else ""
        )
        facts.append(
            f"{row.subject}: {_share(row.before_share, row.before_samples)} of the samples before -> "
            f"{_share(row.after_share, row.after_samples)} after the changes (on the stack, same load){busy}"
        )
    return facts


def live_profile_markdown(report: RunReport) -> list[str]:
    view = live_profile_view(report)
    if view is None:
        return []
    lines = [f"### {view.heading}", ""]
    if view.links:
        lines.append("- " + " · ".join(f"[{name}]({path})" for name, path in view.links))
    lines += [f"- {fact}" for fact in view.facts]
    return [*lines, ""]
