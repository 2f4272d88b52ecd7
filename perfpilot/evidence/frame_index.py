"""Intern frames while a profile is read, so equal frames share one index."""

from __future__ import annotations

from perfpilot.evidence.profile_models import ProfileFrame


class FrameIndex:
    """Frames in first-seen order; `index` returns the position of an equal frame, adding it when new."""

    def __init__(self) -> None:
        self.frames: list[ProfileFrame] = []
        self._positions: dict[tuple[str, str, int | None], int] = {}

    def index(self, function: str, file: str = "", line: int | None = None) -> int:
        key = (function, file, line)
        position = self._positions.get(key)
        if position is None:
            position = self._positions[key] = len(self.frames)
            self.frames.append(ProfileFrame(function=function, file=file, line=line))
        return position
