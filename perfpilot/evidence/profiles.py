"""One declared profile -> Profile: the format as declared or sniffed, tied to its endpoint/process/node."""

from __future__ import annotations

from pathlib import Path

from perfpilot.evidence.collapsed import load_collapsed
from perfpilot.evidence.errors import EvidenceError
from perfpilot.evidence.pprof import GZIP_MAGIC, load_pprof
from perfpilot.evidence.profile_models import Profile, ProfileFormat
from perfpilot.evidence.speedscope import load_speedscope
from perfpilot.target.spec import ProfileSource

_TEXT_START = frozenset(b"\t\n\r <_[/.$abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def sniff_format(path: Path, source: str) -> ProfileFormat:
    """gzip or binary: pprof; a JSON object: speedscope; text: collapsed stacks."""
    try:
        with path.open("rb") as handle:
            head = handle.read(64)
    except OSError as exc:
        raise EvidenceError(source, None, f"cannot read the file: {exc.strerror or exc}") from None
    body = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if head.startswith(GZIP_MAGIC):
        return "pprof"
    if body.startswith(b"{"):
        return "speedscope"
    if not body or body[0] in _TEXT_START:
        return "collapsed"
    return "pprof"


def load_profile(path: Path, *, source: str, declared: ProfileSource, max_bytes: int) -> Profile:
    """The profile at `path`, read in its declared (or sniffed) format, with the declared ties."""
    kind = declared.format if declared.format != "auto" else sniff_format(path, source)
    if kind == "pprof":
        profile = load_pprof(path, source=source, sample_type=declared.sample_type, max_bytes=max_bytes)
    elif kind == "speedscope":
        profile = load_speedscope(path, source=source)
    else:
        profile = load_collapsed(path, source=source)
    return profile.model_copy(
        update={"endpoint": declared.endpoint, "process": declared.process, "node": declared.node}
    )
