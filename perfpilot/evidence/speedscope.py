"""speedscope JSON (https://www.speedscope.app/file-format-schema.json) -> Profile.

Frames come from `shared.frames` ({name, file?, line?}). A "sampled" profile lists stacks of frame
indices (root first) with their weights; an "evented" one lists open/close events, whose nesting gives
each stack the time between consecutive events. Every profile in the file is added up, each with its
`name` as the thread (py-spy --format speedscope writes one profile per thread)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from perfpilot.evidence.errors import EvidenceError, read_text
from perfpilot.evidence.frame_index import FrameIndex
from perfpilot.evidence.profile_models import Profile, ProfileStack

SCHEMA = "https://www.speedscope.app/file-format-schema.json"


def _frames(doc: dict[str, Any], source: str, index: FrameIndex) -> list[int]:
    shared = doc.get("shared")
    raw = shared.get("frames") if isinstance(shared, dict) else None
    if not isinstance(raw, list):
        raise EvidenceError(source, None, "speedscope: no shared.frames list")
    positions = []
    for number, frame in enumerate(raw):
        if not isinstance(frame, dict) or not isinstance(frame.get("name"), str):
            raise EvidenceError(source, None, f"speedscope: shared.frames[{number}] has no name")
        line = frame.get("line")
        file = frame.get("file")
        where = file if isinstance(file, str) else ""
        positions.append(index.index(frame["name"], where, line if isinstance(line, int) else None))
    return positions


def _stack(frames: list[int], ids: list[Any], where: str, source: str) -> tuple[int, ...]:
    if not all(isinstance(i, int) and 0 <= i < len(frames) for i in ids):
        raise EvidenceError(source, None, f"speedscope: {where} names a frame that does not exist")
    return tuple(frames[i] for i in ids)


def _sampled(profile: dict[str, Any], frames: list[int], source: str) -> list[tuple[tuple[int, ...], float]]:
    samples, weights = profile.get("samples"), profile.get("weights")
    if not isinstance(samples, list) or not isinstance(weights, list) or len(samples) != len(weights):
        raise EvidenceError(
            source, None, "speedscope: a sampled profile needs samples and weights of one length"
        )
    found = []
    for number, (ids, weight) in enumerate(zip(samples, weights, strict=True)):
        if not isinstance(ids, list) or not isinstance(weight, int | float) or weight < 0:
            raise EvidenceError(source, None, f"speedscope: sample {number} is not [frame ids] with a weight")
        found.append((_stack(frames, ids, f"sample {number}", source), float(weight)))
    return found


def _evented(profile: dict[str, Any], frames: list[int], source: str) -> list[tuple[tuple[int, ...], float]]:
    events = profile.get("events")
    if not isinstance(events, list):
        raise EvidenceError(source, None, "speedscope: an evented profile needs events")
    open_ids: list[int] = []
    found: list[tuple[tuple[int, ...], float]] = []
    last_at: float | None = None
    for number, event in enumerate(events):
        if not isinstance(event, dict) or event.get("type") not in ("O", "C"):
            raise EvidenceError(source, None, f"speedscope: event {number} is not an O/C event")
        at, frame = event.get("at"), event.get("frame")
        if not isinstance(at, int | float) or not isinstance(frame, int):
            raise EvidenceError(source, None, f"speedscope: event {number} needs 'at' and 'frame'")
        if last_at is not None and open_ids and at > last_at:
            found.append((_stack(frames, open_ids, f"event {number}", source), float(at - last_at)))
        last_at = float(at)
        if event["type"] == "O":
            open_ids.append(frame)
        elif open_ids and open_ids[-1] == frame:
            open_ids.pop()
        else:
            raise EvidenceError(source, None, f"speedscope: event {number} closes a frame that is not open")
    return found


def parse_speedscope(doc: object, source: str) -> Profile:
    if not isinstance(doc, dict) or doc.get("$schema") != SCHEMA:
        raise EvidenceError(source, None, f'not a speedscope file (no "$schema": "{SCHEMA}")')
    index = FrameIndex()
    frames = _frames(doc, source, index)
    profiles = doc.get("profiles")
    if not isinstance(profiles, list) or not profiles:
        raise EvidenceError(source, None, "speedscope: no profiles")
    totals: dict[tuple[tuple[int, ...], str], float] = {}
    units = set()
    for profile in profiles:
        if not isinstance(profile, dict):
            raise EvidenceError(source, None, "speedscope: a profile is not an object")
        kind = profile.get("type")
        read = _sampled if kind == "sampled" else _evented if kind == "evented" else None
        if read is None:
            raise EvidenceError(source, None, f"speedscope: unknown profile type {kind!r}")
        units.add(str(profile.get("unit", "none")))
        thread = str(profile.get("name", ""))
        for stack, weight in read(profile, frames, source):
            totals[(stack, thread)] = totals.get((stack, thread), 0.0) + weight
    if len(units) > 1:
        listed = ", ".join(sorted(units))
        raise EvidenceError(source, None, f"speedscope: profiles in different units ({listed})")
    stacks = [ProfileStack(frames=list(k[0]), value=v, thread=k[1]) for k, v in totals.items()]
    unit = units.pop()
    return Profile(
        source=source,
        format="speedscope",
        value_type="samples" if unit == "none" else "time",
        unit="count" if unit == "none" else unit,
        frames=index.frames,
        stacks=stacks,
    )


def load_speedscope(path: Path, *, source: str) -> Profile:
    try:
        doc = json.loads(read_text(path, source))
    except json.JSONDecodeError as exc:
        raise EvidenceError(source, exc.lineno, f"not JSON: {exc.msg}") from None
    return parse_speedscope(doc, source)
