"""EvidenceError: a source that cannot be loaded, naming the file and line."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from perfpilot.inputs.files import encoding_name, sniff_encoding


class EvidenceError(Exception):
    """Malformed or unreadable evidence; str() reads `metrics.prom:17: bad sample value 'abc'`."""

    def __init__(self, source: str, line: int | None, message: str) -> None:
        self.source = source
        self.line = line
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return f"{where}: {self.message}"

    def __reduce__(self) -> tuple[type[EvidenceError], tuple[str, int | None, str]]:
        return (EvidenceError, (self.source, self.line, self.message))


@contextmanager
def open_text(path: Path, source: str, *, lenient: bool = False) -> Iterator[IO[str]]:
    """Open a text source (UTF-8, or UTF-8/16 with a BOM); unreadable or undecodable files become
    EvidenceError (lenient replaces bad bytes)."""
    try:
        with path.open("rb") as raw:
            encoding = sniff_encoding(raw.read(4))
        handle = path.open(encoding=encoding, errors="replace" if lenient else "strict", newline="")
    except OSError as exc:
        raise EvidenceError(source, None, f"cannot read the file: {exc.strerror or exc}") from None
    try:
        with handle:
            yield handle
    except UnicodeError as exc:
        at = f" (byte offset {exc.start})" if isinstance(exc, UnicodeDecodeError) else ""
        raise EvidenceError(source, None, f"not {encoding_name(encoding)} text{at}") from None
    except OSError as exc:
        raise EvidenceError(source, None, f"cannot read the file: {exc.strerror or exc}") from None


def read_text(path: Path, source: str) -> str:
    """Read a whole (small) text source, with errors as EvidenceError."""
    with open_text(path, source) as handle:
        return handle.read()
