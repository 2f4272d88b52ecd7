"""A SQL script as psql runs it (pg_dump output): meta-command lines and COPY data blanked, lines kept.

pg_dump writes psql meta-commands (`\\connect`, and since 17.6 / 16.10 / 15.14 `\\restrict KEY` and
`\\unrestrict KEY`) and, in data dumps, `COPY ... FROM stdin;` followed by rows up to a `\\.` line.
None of it is SQL. psql reads a backslash as a meta-command only outside quoted text, so lines inside
a single-quoted string or a dollar-quoted body (function bodies) are left alone. Blanked lines stay
as empty lines, so statement line numbers still match the file.
"""

from __future__ import annotations

import re

_DOLLAR_TAG = re.compile(r"\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$")
_COPY_FROM_STDIN = re.compile(r"^\s*COPY\b.*\bFROM\s+stdin\b.*;\s*$", re.IGNORECASE)


def _quote_state(line: str, quote: str | None) -> str | None:
    """The quoting open at the end of `line` given the one open at its start (None, "'" or a $tag$)."""
    index = 0
    while index < len(line):
        if quote is None:
            if line.startswith("--", index):
                return None
            char = line[index]
            if char == "'":
                quote = "'"
            elif char == "$" and (tag := _DOLLAR_TAG.match(line, index)):
                quote = tag.group(0)
                index = tag.end()
                continue
            index += 1
        elif quote == "'":
            end = line.find("'", index)
            if end < 0:
                return quote
            if line.startswith("''", end):
                index = end + 2
                continue
            quote, index = None, end + 1
        else:
            end = line.find(quote, index)
            if end < 0:
                return quote
            index, quote = end + len(quote), None
    return quote


def sql_of_psql_script(text: str) -> str:
    """`text` with psql meta-command lines and COPY data rows replaced by empty lines."""
    out: list[str] = []
    quote: str | None = None
    in_copy = False
    for line in text.splitlines():
        if in_copy:
            in_copy = line != "\\."
            out.append("")
        elif quote is None and line.lstrip().startswith("\\"):
            out.append("")
        else:
            quote = _quote_state(line, quote)
            in_copy = quote is None and bool(_COPY_FROM_STDIN.match(line))
            out.append("" if in_copy else line)
    return "\n".join(out) + ("\n" if text.endswith("\n") else "")
