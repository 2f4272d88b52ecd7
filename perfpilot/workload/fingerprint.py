"""Query fingerprints: literals, lists, comments, case and spacing normalised by compiled regexes."""

from __future__ import annotations

import hashlib
import re

from perfpilot.workload.accel import literals

# The C accelerator's version of the literal steps below (same text, or None outside the simple path).
_mask_literals = literals.mask_literals if literals is not None else None

# Quoted text is found by one left-to-right scan so that a quote inside a comment (or a comment
# marker inside a string) is never misread. Groups: 1 comment, 2 string, 3 double-quoted, 4 backtick,
# 5 dollar-quoted body.
_QUOTED = re.compile(
    r"(/\*.*?(?:\*/|\Z)|--[^\n]*|#[^\n]*)"
    r"|((?:(?<![\w$])[EeNnXxBb])?'(?:[^'\\]|\\.|'')*(?:'|\Z))"
    r'|("(?:[^"\\]|\\.|"")*(?:"|\Z))'
    r"|(`(?:[^`]|``)*(?:`|\Z))"
    r"|(\$([A-Za-z_]\w*|)\$.*?(?:\$\6\$|\Z))",
    re.DOTALL,
)
_QUOTED_PG = re.compile(_QUOTED.pattern.replace(r"|#[^\n]*", ""), re.DOTALL)
_SIMPLE_STRING = re.compile(r"'(?:[^'\\]|\\.|'')*'")
_STRING_PREFIX = re.compile(r"\b[enxb]\?")
_IDENT = re.compile(r'("(?:[^"]|"")*"|`(?:[^`]|``)*`)')
# Starts with a plain [0-9] (the engine scans for it much faster than for \d); the look-behind after
# the first digit keeps digits inside identifiers (t1, col2, café1) intact.
_NUMBER = re.compile(
    r"[0-9](?<![\w$?][0-9])(?:(?<=0)x[0-9a-f]+|(?<=0)b[01]+|[0-9]*(?:\.[0-9]*)?(?:e[-+]?[0-9]+)?)(?![\w$])"
)
_LEADING_DOT = re.compile(r"(?<![\w)\]])\.\?")
_PLACEHOLDER = re.compile(r"\$\d+|(?<![:\w]):[a-z_]\w*|%(?:\([a-z_]\w*\))?s\b")
_SPACE = re.compile(r"\s+")
_OPERATOR = re.compile(r" ?(<=>|<>|!=|>=|<=|:=|\|\||->>|->|[=<>+\-*/%]) ?")
_NEGATIVE = re.compile(
    r"(^|[(,=<>+\-*/%]|\b(?:select|where|and|or|not|then|else|when|between|values|in|set|return|limit|offset"
    r"|by|like|is|on|having|case)) [-+] \?"
)
_OPEN = re.compile(r"(?:(?<=\w) )?\( ?")
_KEYWORD_OPEN = re.compile(
    r"\b(in|and|or|not|where|on|from|join|exists|values|as|select|when|then|else|by|having|union|all"
    r"|any|some|set|using|is|over|with|lateral|case|returning|limit|between|like|into|table)\("
)
_CLOSE = re.compile(r" \)")
_COMMA = re.compile(r" ?, ?")
_DOT = re.compile(r" ?(\.|::) ?")
_IN_LIST = re.compile(r"\bin \(\?(?:, \?)*\)")
_VALUES_LIST = re.compile(
    r"\bvalues ?\((?:[^()]|\([^()]*\))*\)(?:, ?\((?:[^()]|\([^()]*\))*\))*"
)

_ROW = re.compile(r"\((?:[^()]|\([^()]*\))*\)")
_LITERAL_ROW = re.compile(r"\((?:\?|null|default|true|false)(?:, (?:\?|null|default|true|false))*\)")


def _collapse_values(match: re.Match[str]) -> str:
    """Rows of literals only become `values (?+)`; other rows are kept once each, in order."""
    rows = _ROW.findall(match.group(0))
    if all(_LITERAL_ROW.fullmatch(row) for row in rows):
        return "values (?+)"
    return "values " + ", ".join(dict.fromkeys(rows))


_CACHE_LIMIT = 20_000
_STAND_IN = 0xE000  # the Unicode private-use area: never in SQL keywords, numbers or operators
_MAX_STAND_INS = 6000
_shape_cache: dict[str, str] = {}


def _mask_quoted(sql: str, dialect: str | None) -> str:
    """Replace comments by a space and strings by '?'; keep quoted identifiers as written."""
    double_is_string = dialect == "mysql"

    def replace(match: re.Match[str]) -> str:
        if match.group(1) is not None:
            return " "
        if match.group(2) is not None or match.group(5) is not None:
            return "?"
        if match.group(3) is not None:
            return "?" if double_is_string else match.group(3)
        return match.group(4)

    pattern = _QUOTED_PG if dialect == "postgres" else _QUOTED
    return pattern.sub(replace, sql)


def _lower_outside_identifiers(sql: str) -> str:
    """Lower-case everything except double-quoted and backtick-quoted identifiers."""
    parts = _IDENT.split(sql)
    parts[0::2] = [part.lower() for part in parts[0::2]]
    return "".join(parts)


def _normalise_layout(sql: str) -> str:
    """Placeholders, spacing, signs, IN and VALUES lists of a literal-free, lower-cased statement."""
    text = sql
    if "?" in text:
        text = _STRING_PREFIX.sub("?", text)  # x'0a', e'..', n'..', b'..' -> ?
    if ".?" in text:
        text = _LEADING_DOT.sub("?", text)  # .5 -> ?
    if "$" in text or ":" in text or "%" in text:
        text = _PLACEHOLDER.sub("?", text)
    text = _SPACE.sub(" ", text).strip().rstrip(";").rstrip()
    text = _OPERATOR.sub(r" \1 ", text)
    if "  " in text:
        text = _SPACE.sub(" ", text)
    text = text.strip()
    if "- ?" in text or "+ ?" in text:
        text = _NEGATIVE.sub(r"\1 ?", text)  # a sign belongs to its literal: -5, +6e-30 -> ?
    if "(" in text:
        text = _OPEN.sub("(", text)
        text = _KEYWORD_OPEN.sub(r"\1 (", text)
    if ")" in text:
        text = _CLOSE.sub(")", text)
    if "," in text:
        text = _COMMA.sub(", ", text)
    if "." in text or "::" in text:
        text = _DOT.sub(r"\1", text)
    if "in (" in text:
        text = _IN_LIST.sub("in (?+)", text)
    if "values" in text:
        text = _VALUES_LIST.sub(_collapse_values, text)
    return text


def _stand_in_identifiers(text: str) -> tuple[str, list[str]]:
    """Quoted identifiers replaced by one private-use character each (which no later rule touches), so
    `t-2` or "Order 1" keep their digits, operators and spacing; and the identifiers, in order."""
    found: list[str] = []

    def stand_in(match: re.Match[str]) -> str:
        found.append(match.group(0))
        return chr(_STAND_IN + len(found) - 1)

    parts = _IDENT.split(text)
    if len(parts) == 1 or len(parts) // 2 > _MAX_STAND_INS:
        return text, []
    return _IDENT.sub(stand_in, text), found


def _restore_identifiers(shape: str, identifiers: list[str]) -> str:
    for index, identifier in enumerate(identifiers):
        shape = shape.replace(chr(_STAND_IN + index), identifier)
    return shape


def fingerprint(sql: str, dialect: str | None = None) -> str:
    """The normalised shape of one statement: equal for statements that differ only in literals."""
    if _mask_literals is not None:
        masked = _mask_literals(sql)
        if masked is not None:
            shape = _shape_cache.get(masked)
            return shape if shape is not None else _cache_shape(masked)
    sql = sql.lstrip()
    while sql.startswith("/*"):  # a leading comment cannot hide inside a string: strip it cheaply
        end = sql.find("*/")
        if end < 0:
            break
        sql = sql[end + 2 :].lstrip()
    identifiers: list[str] = []
    if "--" in sql or "/*" in sql or "#" in sql or '"' in sql or "`" in sql or "$" in sql:
        text = _lower_outside_identifiers(_mask_quoted(sql, dialect))
        if '"' in text or "`" in text:
            text, identifiers = _stand_in_identifiers(text)
    else:
        text = sql.lower()
        if "'" in text:
            text = _SIMPLE_STRING.sub("?", text)
    text = _NUMBER.sub("?", text)
    # Everything after this point depends on `text` alone, so its result is cached.
    shape = _shape_cache.get(text)
    if shape is None:
        shape = _cache_shape(text)
    return _restore_identifiers(shape, identifiers) if identifiers else shape


def _cache_shape(text: str) -> str:
    """_normalise_layout(text), kept in the bounded cache."""
    shape = _normalise_layout(text)
    if len(_shape_cache) >= _CACHE_LIMIT:
        _shape_cache.clear()
    _shape_cache[text] = shape
    return shape


def fingerprint_id(fingerprint_text: str) -> str:
    """A short stable hex id of a fingerprint (16 hex digits of BLAKE2b)."""
    return hashlib.blake2b(fingerprint_text.encode("utf-8"), digest_size=8).hexdigest()

