"""pprof protobuf (gzip'd or not) -> Profile, parsed with the protobuf runtime from pprof's profile.proto.

Samples list locations leaf first; a location with several lines holds inlined functions, the last
line being the caller. The value read is the sample type asked for, else the one named "cpu", else
the profile's default sample type, else the last (pprof's own rule). String labels of a sample are
kept (pprof.Do / pprof.Labels in Go: e.g. an endpoint label splits CPU per endpoint)."""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import TYPE_CHECKING

from perfpilot.evidence.errors import EvidenceError
from perfpilot.evidence.frame_index import FrameIndex
from perfpilot.evidence.profile_models import Profile, ProfileStack

if TYPE_CHECKING:
    from perfpilot.evidence.pprof import profile_pb2

GZIP_MAGIC = b"\x1f\x8b"
MAX_INFLATED_RATIO = 20
"""A gzip'd profile may inflate to this many times its cap before it is refused (protobuf is dense)."""


def _inflate(data: bytes, limit: int, source: str) -> bytes:
    inflater = zlib.decompressobj(wbits=31)
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error as exc:
        raise EvidenceError(source, None, f"pprof: not valid gzip data ({exc})") from None
    if len(out) > limit or inflater.unconsumed_tail:
        raise EvidenceError(source, None, f"pprof: inflates past {limit} bytes")
    return out


def _value_index(profile: profile_pb2.Profile, strings: list[str], wanted: str | None, source: str) -> int:
    types = [strings[t.type] for t in profile.sample_type]
    if not types:
        raise EvidenceError(source, None, "pprof: no sample_type")
    if wanted is not None:
        if wanted not in types:
            raise EvidenceError(source, None, f"pprof: no sample type {wanted!r} (it has {', '.join(types)})")
        return types.index(wanted)
    if "cpu" in types:
        return types.index("cpu")
    default = strings[profile.default_sample_type] if profile.default_sample_type else ""
    return types.index(default) if default in types else len(types) - 1


def parse_pprof(data: bytes, source: str, *, sample_type: str | None = None, max_bytes: int) -> Profile:
    if data[:2] == GZIP_MAGIC:
        data = _inflate(data, max_bytes * MAX_INFLATED_RATIO, source)
    from google.protobuf.message import DecodeError  # the protobuf runtime loads with the first pprof

    from perfpilot.evidence.pprof import profile_pb2

    profile = profile_pb2.Profile()
    try:
        profile.ParseFromString(data)
    except DecodeError as exc:
        raise EvidenceError(source, None, f"pprof: not a profile protobuf ({exc})") from None
    strings = list(profile.string_table)

    def text(index: int) -> str:
        if not 0 <= index < len(strings):
            raise EvidenceError(source, None, f"pprof: string index {index} is outside the string table")
        return strings[index]

    column = _value_index(profile, strings, sample_type, source)
    functions = {f.id: f for f in profile.function}
    index = FrameIndex()
    location_frames: dict[int, list[int]] = {}
    for location in profile.location:
        frames = []
        for line in reversed(location.line):  # the caller last in the list: root-first reversed
            function = functions.get(line.function_id)
            if function is None:
                raise EvidenceError(source, None, f"pprof: location {location.id} names unknown function")
            name = text(function.name) or text(function.system_name) or f"0x{location.address:x}"
            frames.append(index.index(name, text(function.filename), line.line or None))
        location_frames[location.id] = frames or [index.index(f"0x{location.address:x}")]
    totals: dict[tuple[tuple[int, ...], tuple[tuple[str, str], ...]], float] = {}
    for sample in profile.sample:
        if column >= len(sample.value):
            raise EvidenceError(source, None, "pprof: a sample has fewer values than sample types")
        stack: list[int] = []
        for location_id in reversed(sample.location_id):
            if location_id not in location_frames:
                raise EvidenceError(source, None, f"pprof: a sample names unknown location {location_id}")
            stack.extend(location_frames[location_id])
        labels = tuple(sorted((text(lb.key), text(lb.str)) for lb in sample.label if lb.str))
        key = (tuple(stack), labels)
        totals[key] = totals.get(key, 0.0) + max(0, sample.value[column])
    stacks = [ProfileStack(frames=list(k[0]), value=v, labels=dict(k[1])) for k, v in totals.items()]
    value_type = profile.sample_type[column]
    return Profile(
        source=source,
        format="pprof",
        value_type=text(value_type.type),
        unit=text(value_type.unit),
        frames=index.frames,
        stacks=stacks,
        duration_s=profile.duration_nanos / 1e9 if profile.duration_nanos else None,
    )


def load_pprof(path: Path, *, source: str, sample_type: str | None = None, max_bytes: int) -> Profile:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise EvidenceError(source, None, f"cannot read the file: {exc.strerror or exc}") from None
    return parse_pprof(data, source, sample_type=sample_type, max_bytes=max_bytes)
