"""Typed stack profiles: frames and weighted stacks, as collapsed, pprof and speedscope files hold them."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field

from perfpilot.evidence.models import Record

_LABEL = re.compile(r"^(?P<function>.+?) \((?P<file>[^()]+?)(?::(?P<line>\d+))?\)$")
ProfileFormat = Literal["collapsed", "pprof", "speedscope"]


class ProfileFrame(Record):
    """One function in a stack, with where it is when the profiler said so."""

    function: str
    file: str = ""
    line: int | None = None

    @property
    def label(self) -> str:
        """'name (file:line)', 'name (file)' or 'name'."""
        if self.file and self.line:
            return f"{self.function} ({self.file}:{self.line})"
        return f"{self.function} ({self.file})" if self.file else self.function

    @classmethod
    def from_label(cls, label: str) -> ProfileFrame:
        """The frame a `label` names (the inverse of label)."""
        located = _LABEL.match(label)
        if located is None:
            return cls(function=label)
        line = located["line"]
        return cls(function=located["function"], file=located["file"], line=int(line) if line else None)


class ProfileStack(Record):
    """One distinct stack, root first (indices into Profile.frames), and its weight."""

    frames: list[int] = Field(default_factory=list)
    value: float = Field(ge=0)
    thread: str = Field(default="", description="Thread or process the profiler named, when it did.")
    labels: dict[str, str] = Field(default_factory=dict, description="pprof sample labels (string ones).")


class Profile(Record):
    """One recorded profile. Values are in `unit` (samples, nanoseconds...) of `value_type` (cpu, wall...)."""

    source: str
    format: ProfileFormat
    value_type: str = "samples"
    unit: str = "count"
    frames: list[ProfileFrame] = Field(default_factory=list)
    stacks: list[ProfileStack] = Field(default_factory=list)
    duration_s: float | None = None
    endpoint: str | None = Field(default=None, description="The endpoint the profile was taken under.")
    process: str | None = Field(default=None, description="The process (service) profiled.")
    node: str | None = Field(default=None, description="The node (inventory entry) it ran on.")
    waiting: Profile | None = Field(
        default=None,
        description="The same window sampled with waiting threads too (py-spy --idle), when recorded: "
        "where threads block (locks, I/O, sleeps), which a profile of running threads cannot show.",
    )

    @property
    def total(self) -> float:
        return sum(s.value for s in self.stacks)

    def __len__(self) -> int:
        return len(self.stacks)
