"""Readers bounded in bytes: gzip input decompressed under a cap (a bomb stops at the cap), lines of bounded
length (a file that is one endless line never lands in memory whole)."""

from __future__ import annotations

import gzip
import io
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from perfpilot.inputs.files import InputRejected
from perfpilot.inputs.limits import human_size

MAX_LINE_CHARS = 1 << 20
"""Longest line (in characters) read from a line-oriented file (a k6 JSON output line is well under 4 KiB)."""


MAX_RATIO = 200
"""Most bytes of text per compressed byte: k6 output compresses 17-25 times; a bomb of repeated bytes
(a million blank lines) a thousand times, and would cost minutes of line reading before any byte cap."""
RATIO_FROM_BYTES = 4 << 20
"""Decompressed bytes before the ratio is judged (small files may compress well without harm)."""


class _CappedReader(io.RawIOBase):
    """The bytes of a decompressing stream, refused past `cap` bytes of output or MAX_RATIO times the
    compressed bytes read so far."""

    def __init__(self, raw: gzip.GzipFile, compressed: IO[bytes], cap: int, kind: str) -> None:
        self._raw = raw
        self._compressed = compressed
        self._cap = cap
        self._kind = kind
        self._total = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        chunk = self._raw.read(len(buffer))
        self._total += len(chunk)
        if self._total > self._cap:
            raise InputRejected(
                f"decompresses to more than the {human_size(self._cap)} limit for this kind of input "
                f"(raise it with --max-bytes {self._kind}=SIZE or PERFPILOT_MAX_BYTES_{self._kind.upper()})"
            )
        if self._total > RATIO_FROM_BYTES and self._total > MAX_RATIO * max(1, self._compressed.tell()):
            raise InputRejected(
                f"decompresses to more than {MAX_RATIO} times its compressed size (a compression bomb?)"
            )
        buffer[: len(chunk)] = chunk
        return len(chunk)

    def close(self) -> None:
        self._raw.close()
        self._compressed.close()
        super().close()


def open_text(path: Path, cap: int, kind: str, *, newline: str | None = "") -> IO[str]:
    """A UTF-8 text handle on `path`, decompressed when it is named .gz, with at most `cap` bytes of
    decompressed text (InputRejected naming the cap past it)."""
    if path.suffix != ".gz":
        return path.open(encoding="utf-8", newline=newline)
    compressed = path.open("rb")
    capped = _CappedReader(gzip.GzipFile(fileobj=compressed, mode="rb"), compressed, cap, kind)
    return io.TextIOWrapper(io.BufferedReader(capped), encoding="utf-8", newline=newline)


def bounded_lines(handle: IO[str], max_chars: int = MAX_LINE_CHARS) -> Iterator[str]:
    """The lines of `handle`; InputRejected naming the line when one runs past `max_chars`."""
    lineno = 0
    while line := handle.readline(max_chars + 1):
        lineno += 1
        if len(line) > max_chars:
            raise InputRejected(f"line {lineno} is longer than {max_chars:,} characters")
        yield line
