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
    exclusive_share: float | None = Field(
        default=None, ge=0, le=1, description="Hot paths: total share less the hot paths named inside it."
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
                total_share=round(total_value[key] / total, 4),
                profile=profile.source,
            )
        )
    return found


def application_hot_paths(profile: Profile, min_share: float, limit: int = 3) -> list[HotFunction]:
    """The application's own functions that hold at least `min_share` of the samples outside the hot
    paths named inside them (exclusive_share), innermost first: `main` passing everything on is none."""
    candidates = [h for h in hot_functions(profile, limit=200) if h.origin == "application"]
    candidates = [h for h in candidates if h.total_share >= min_share]
    chosen: list[HotFunction] = []
    for hot in sorted(candidates, key=lambda h: (h.total_share, h.function)):
        inside = [c for c in chosen if _calls(profile, hot, c)]
        remaining = round(hot.total_share - sum(c.exclusive_share or 0.0 for c in inside), 4)
        if remaining >= min_share:
            chosen.append(hot.model_copy(update={"exclusive_share": max(0.0, remaining)}))
    return sorted(chosen, key=lambda h: (-(h.exclusive_share or 0.0), h.function))[:limit]


def _calls(profile: Profile, caller: HotFunction, callee: HotFunction) -> bool:
    """Whether `callee` appears below `caller` on some stack."""
    for stack in profile.stacks:
        keys = [_key(profile.frames[i]) for i in stack.frames]
        here = (caller.function, caller.file)
        if here in keys and (callee.function, callee.file) in keys[keys.index(here) + 1 :]:
            return True
    return False
