"""Cheap table-name extraction from a fingerprint: the names after FROM, JOIN, UPDATE, INTO and TABLE."""

from __future__ import annotations

import re

_NAME = r'(?:"[^"]+"|`[^`]+`|[a-z_][\w$]*)(?:\.(?:"[^"]+"|`[^`]+`|[a-z_][\w$]*))?'
_AFTER_KEYWORD = re.compile(rf"\b(?:from|join|update|into|table)\s+(?:only\s+)?({_NAME}(?:\s*,\s*{_NAME})*)")
_ONE = re.compile(_NAME)
_FROM_IN_FUNCTION = re.compile(r"\b(?:extract|substring|trim|overlay|position)\([^()]*\)")
_NOT_TABLES = frozenset({"select", "lateral", "unnest", "generate_series", "dual", "set", "where", "values"})


def tables_of(fingerprint_text: str) -> list[str]:
    """Distinct table names in order of first mention (quotes and schema kept as written)."""
    found: dict[str, None] = {}
    text = _FROM_IN_FUNCTION.sub(" ", fingerprint_text) if "(" in fingerprint_text else fingerprint_text
    for match in _AFTER_KEYWORD.finditer(text):
        for name in _ONE.findall(match.group(1)):
            if name not in _NOT_TABLES:
                found.setdefault(name, None)
    return list(found)
