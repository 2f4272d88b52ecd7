"""Plain SQL files: statements split on ';' outside strings, quoted names, dollar quotes and comments."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from perfpilot.workload.events import ParseStats, QueryEvent

_DOLLAR_TAG = re.compile(r"\$([A-Za-z_]\w*)?\$")


def _is_only_comments(text: str) -> bool:
    """True when a chunk holds nothing but comments and whitespace."""
    stripped = re.sub(r"/\*.*?\*/|--[^\n]*|#[^\n]*", " ", text, flags=re.DOTALL)
    return not stripped.strip()


def parse_sql_file(lines: Iterable[str], stats: ParseStats) -> Iterator[QueryEvent]:
    """Yield each statement once its terminating ';' (or the end of the file) is reached."""
    buffer: list[str] = []
    start_line = 0
    quote = ""  # "'", '"', '`', '*/' (block comment) or a dollar tag such as '$body$'
    line_no = 0
    for line_no, line in enumerate(lines, 1):
        i = 0
        n = len(line)
        chunk_start = 0
        while i < n:
            ch = line[i]
            if quote:
                if quote in ("'", '"', "`"):
                    if ch == "\\" and quote == "'":
                        i += 2
                        continue
                    if ch == quote:
                        quote = ""
                elif line.startswith(quote, i):
                    i += len(quote)
                    quote = ""
                    continue
                i += 1
                continue
            if ch in "'\"`":
                quote = ch
            elif ch == "/" and line.startswith("/*", i):
                quote = "*/"
                i += 2
                continue
            elif (ch == "-" and line.startswith("--", i)) or ch == "#":
                break  # the rest of the line is a comment
            elif ch == "$":
                tag = _DOLLAR_TAG.match(line, i)
                if tag:
                    quote = tag.group(0)
                    i = tag.end()
                    continue
            elif ch == ";":
                if not buffer or not "".join(buffer).strip():
                    start_line = line_no
                buffer.append(line[chunk_start:i])
                text = "".join(buffer).strip()
                if text and not _is_only_comments(text):
                    yield QueryEvent(sql=text, line=start_line)
                buffer = []
                chunk_start = i + 1
            i += 1
        rest = line[chunk_start:]
        if rest.strip() and not "".join(buffer).strip():
            start_line = line_no
        buffer.append(rest)
    text = "".join(buffer).strip()
    if text and not _is_only_comments(text):
        if quote:
            stats.skip(line_no, f"statement ends inside an unclosed {quote!r}")
        yield QueryEvent(sql=text, line=start_line or line_no)
