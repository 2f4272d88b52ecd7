"""Checks before a file is opened or parsed: a regular file under its cap, known encoding, bounded nesting."""

from __future__ import annotations

import errno
import os
import re
import stat
from itertools import accumulate
from pathlib import Path

from perfpilot.inputs.limits import MAX_NESTING, human_size


class InputRejected(ValueError):
    """A file refused before parsing; the caller adds the file's name."""


_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_STRING = re.compile(rb'"(?:[^"\\\n]|\\.)*"')
_DEPTH_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}
_NOT_BRACKETS = bytes(b for b in range(256) if b not in _DEPTH_STEP)
_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def path_problem(path: Path) -> str | None:
    """Why `path` is not a readable regular file (never opens it, so never blocks); None when it is."""
    if "\0" in str(path):
        return "the path contains a NUL byte"
    try:
        info = os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symlink loop"
        return f"cannot read the file: {exc.strerror or exc}"
    for is_kind, name in _KINDS:
        if is_kind(info.st_mode):
            return f"{name}, not a regular file"
    return None if stat.S_ISREG(info.st_mode) else "not a regular file"


def check_file(path: Path, max_bytes: int) -> int:
    """The size of a regular file within `max_bytes`; InputRejected saying why not."""
    problem = path_problem(path)
    if problem is not None:
        raise InputRejected(problem)
    size = os.stat(path).st_size
    if size > max_bytes:
        shown, cap = human_size(size), human_size(max_bytes)
        if shown == cap:  # 1.4 KiB over a 1.4 KiB cap: say it in bytes
            shown, cap = f"{size:,} B", f"{max_bytes:,} B"
        raise InputRejected(
            f"{shown} is over the {cap} limit for this kind of input "
            "(raise it with --max-bytes KIND=SIZE, target.yaml `limits: max_bytes:` "
            "or PERFPILOT_MAX_BYTES_<KIND>)"
        )
    return size


def sniff_encoding(head: bytes) -> str:
    """The text encoding a byte-order mark announces; UTF-8 without one."""
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    return "utf-8"


def encoding_name(encoding: str) -> str:
    """'UTF-8' for utf-8-sig, 'UTF-16' for utf-16: how an error names the expected encoding."""
    return encoding.upper().removesuffix("-SIG")


def decode_text(data: bytes) -> str:
    """Bytes as text (UTF-8, or UTF-8/16 with a BOM); InputRejected with the byte offset otherwise."""
    encoding = sniff_encoding(data[:4])
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputRejected(f"not {encoding_name(encoding)} text (byte offset {exc.start})") from None


def nesting_depth(data: bytes) -> int:
    """Deepest `[`/`{` nesting outside double-quoted strings (JSON, YAML flow style)."""
    brackets = _STRING.sub(b"", data).translate(None, _NOT_BRACKETS)
    return max(accumulate(_DEPTH_STEP[b] for b in brackets), default=0)


def check_nesting(data: bytes, limit: int = MAX_NESTING) -> None:
    """InputRejected when JSON/YAML brackets nest deeper than `limit` (parsers would recurse)."""
    depth = nesting_depth(data)
    if depth > limit:
        raise InputRejected(f"nested {depth} levels deep (the limit is {limit})")
