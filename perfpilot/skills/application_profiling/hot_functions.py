"""Hot functions of a profile by self time (leaf) and total time (on the stack), with file:line.

A function is keyed by name and file; its line is the line that carries most of its total time (py-spy
names the executing line, so one function shows several). Recursion counts once per stack for total."""

from __future__ import annotations

from collections import defaultdict

from pydantic import BaseModel, ConfigDict, Field

from perfpilot.evidence.profile_models import Profile, ProfileFrame
from perfpilot.skills.application_profiling.origins import Origin, origin


class HotFunction(BaseModel):
    """One function's share of a profile's samples (or time)."""

    model_config = ConfigDict(extra="forbid")

    function: str
    file: str = ""
    line: int | None = None
    origin: Origin
    self_share: float = Field(ge=0, le=1)
    total_share: float = Field(ge=0, le=1)
    self_line: int | None = Field(default=None, description="The line holding most of its self time.")
    self_line_share: float | None = Field(
        default=None, ge=0, le=1, description="The share of the samples ending at self_line."
    )
    exclusive_share: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="Hot paths: share of samples where it is the innermost application frame.",
    )
    callers: list[tuple[str, float]] = Field(
        default_factory=list,
        description="Hot paths: the application frames calling it most, with their share.",
    )
    profile: str = Field(description="The profile's source.")

    @property
    def label(self) -> str:
        return ProfileFrame(function=self.function, file=self.file, line=self.line).label


def _key(frame: ProfileFrame) -> tuple[str, str]:
    return frame.function, frame.file


def hot_functions(profile: Profile, limit: int = 20) -> list[HotFunction]:
    """The `limit` functions with the most total time, then self time."""
    total = profile.total
    if total <= 0:
        return []
    self_value: dict[tuple[str, str], float] = defaultdict(float)
    total_value: dict[tuple[str, str], float] = defaultdict(float)
    line_value: dict[tuple[str, str], dict[int | None, float]] = defaultdict(lambda: defaultdict(float))
    self_lines: dict[tuple[str, str], dict[int | None, float]] = defaultdict(lambda: defaultdict(float))
    for stack in profile.stacks:
        frames = [profile.frames[i] for i in stack.frames]
        if frames:
            self_value[_key(frames[-1])] += stack.value
            self_lines[_key(frames[-1])][frames[-1].line] += stack.value
        for key in {_key(f) for f in frames}:
            total_value[key] += stack.value
        for frame in frames:
            line_value[_key(frame)][frame.line] += stack.value
    ranked = sorted(total_value, key=lambda k: (-total_value[k], -self_value[k], k))[:limit]
    found = []
    for key in ranked:
        lines = line_value[key]
        line = max(lines, key=lambda n: (lines[n], -(n or 0)))
        own = self_lines.get(key, {})
        self_line = max(own, key=lambda n: (own[n], -(n or 0))) if own else None
        frame = ProfileFrame(function=key[0], file=key[1], line=line)
        found.append(
            HotFunction(
                function=key[0],
                file=key[1],
                line=line,
                origin=origin(frame),
                self_share=round(self_value[key] / total, 4),
                self_line=self_line,
                self_line_share=round(own[self_line] / total, 4) if own else None,
                total_share=round(total_value[key] / total, 4),
                profile=profile.source,
            )
        )
    return found


def _entry_point_only(own: list[ProfileFrame], leaf: ProfileFrame) -> bool:
    """True when the innermost application frame only started the program (a script's `<module>`, or the
    function it calls, such as `main` running a server's event loop) and the sample's time is in library
    code beneath it: that is the framework's own work (uvicorn parsing HTTP, asyncio), not a function of
    the application to change. Its own lines (the leaf) still count."""
    inner = own[-1]
    if leaf is inner:
        return False
    return inner.function == "<module>" or (
        len(own) >= 2 and all(frame.function == "<module>" for frame in own[:-1])
    )


def application_hot_paths(profile: Profile, min_share: float, limit: int = 3) -> list[HotFunction]:
    """The application's own functions that hold at least `min_share` of the samples as the innermost
    application frame on the stack (exclusive_share: each sample counts for one function only, so a
    `main` that passes everything on holds nothing, and callers of a hot helper are its `callers`).
    Samples whose innermost application frame is only the program's entry point, with the time in
    library code beneath it, count for no function (`_entry_point_only`)."""
    total = profile.total
    if total <= 0:
        return []
    innermost: dict[tuple[str, str], float] = defaultdict(float)
    callers: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for stack in profile.stacks:
        own = [profile.frames[i] for i in stack.frames if origin(profile.frames[i]) == "application"]
        if own and not _entry_point_only(own, profile.frames[stack.frames[-1]]):
            innermost[_key(own[-1])] += stack.value
            if len(own) > 1:
                callers[_key(own[-1])][own[-2].label] += stack.value
    by_key = {(h.function, h.file): h for h in hot_functions(profile, limit=len(innermost) + 200)}
    chosen = []
    for key, value in innermost.items():
        share = round(value / total, 4)
        if share >= min_share and key in by_key:
            ranked = sorted(callers[key].items(), key=lambda kv: (-kv[1], kv[0]))[:3]
            update = {"exclusive_share": share, "callers": [(c, round(v / total, 4)) for c, v in ranked]}
            chosen.append(by_key[key].model_copy(update=update))
    return sorted(chosen, key=lambda h: (-(h.exclusive_share or 0.0), h.function))[:limit]
