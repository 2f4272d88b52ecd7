"""The literal text every match of a regex contains, so a pass over a text lacking it can be skipped.

Redaction runs 55 token regexes over every report page; most start with `\\b` or a lookbehind, which keeps
Python's engine from searching for their first characters, so each pass tries every position of the page.
A pass whose pattern needs, say, `sk-ant-` can be skipped when the text does not contain `sk-ant-`: it
would find nothing. The literal is read from the compiled pattern's own parse (CPython's `re._parser`):
the longest run of single characters that every match takes one after the other (through groups that are
neither repeated nor alternatives, across zero-width `\\b` and `^`). A pattern this cannot read (or a
Python whose parser differs) has no literal and always runs. Case-insensitive patterns compare folded
text: lower case, with the four non-ASCII characters that `re.IGNORECASE` matches to ASCII letters
(İ ı ſ and the Kelvin sign) first mapped to them; such a literal must be ASCII.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

_TWINS = {"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"}
_ASCII_TWINS = str.maketrans(_TWINS)
"""The non-ASCII characters `re.IGNORECASE` matches to an ASCII character, all of them letters (checked over
all of Unicode by tests/test_regex_literal.py), mapped to that letter before lower-casing."""


@dataclass(frozen=True)
class Literal:
    """Text every match contains; `folded`: compare with fold(text) (the pattern ignores case)."""

    text: str
    folded: bool


def fold(text: str) -> str:
    """text as a case-insensitive literal is compared with: lower case, the ASCII twins mapped first."""
    if not text.isascii() and any(twin in text for twin in _TWINS):  # rare: translate() is slow
        text = text.translate(_ASCII_TWINS)
    return text.lower()


def may_match(pattern: re.Pattern[str], text: str, folds: dict[str, str]) -> bool:
    """False when `pattern` cannot match `text` (its required literal is absent); folds remembers fold(text)
    for the caller's next pattern over the same text."""
    literal = required_literal(pattern)
    if literal is None:
        return True
    if not literal.folded:
        return literal.text in text
    folded = folds.get(text)
    if folded is None:
        folds.clear()  # the text changed (a rule masked something): its old fold is of no more use
        folded = folds[text] = fold(text)
    return literal.text in folded


@cache
def required_literal(pattern: re.Pattern[str]) -> Literal | None:
    """The longest literal every match of `pattern` contains (at least 2 characters), or None."""
    try:
        parser: Any = importlib.import_module("re._parser")
        constants: Any = importlib.import_module("re._constants")
        parsed = parser.parse(pattern.pattern, pattern.flags)
        runs = _runs(list(parsed.data), constants)
    except Exception:  # another Python's parser: no literal, the pattern always runs
        return None
    ignore_case = bool(parsed.state.flags & re.IGNORECASE)
    best = max(runs, key=len, default="")
    if len(best) < 2 or (ignore_case and not best.isascii()):
        return None
    return Literal(best.lower() if ignore_case else best, ignore_case)


def _runs(items: list[tuple[Any, Any]], c: Any) -> list[str]:
    """The literal runs of a sequence every match goes through in order."""
    runs: list[str] = [""]
    for op, value in items:
        if op is c.LITERAL:
            runs[-1] += chr(value)
        elif op is c.AT and value in (c.AT_BOUNDARY, c.AT_BEGINNING, c.AT_BEGINNING_STRING):
            continue  # zero width: the characters on either side are still adjacent
        elif op is c.SUBPATTERN and value[1] == 0 and value[2] == 0:  # a group with no flags of its own
            inner = _runs(list(value[3].data), c)
            runs[-1] += inner[0]
            if len(inner) > 1:
                runs.extend(inner[1:])
        else:
            runs.append("")
    return runs
