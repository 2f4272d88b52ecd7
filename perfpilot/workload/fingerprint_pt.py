"""pt-query-digest's classes: perfpilot's fingerprint with each deliberate difference switched to pt's rule.

perfpilot differs from pt-query-digest (percona-toolkit's QueryRewriter fingerprint) on purpose in a few
rules; `--fingerprint pt` applies pt's rule instead, to the finished fingerprint, so two statements
fall into one class here exactly when pt-query-digest puts them in one (docs/benchmarks.md lists the
rules and the pt quirks that are not followed):
- `true`, `false` and `null` become `?` (pt: "boolean values", "Get rid of NULLs");
- the first `limit ?, ?` or `limit ? offset ?` becomes `limit ?`;
- `asc` after `order by` is dropped;
- digits inside names become `?` (pt does not keep "embedded numbers" by default: `t2` is `t?`), a
  `-` inside a backtick-quoted name too (`order-items` is `order?items`), backtick names are lower-cased,
  and a double-quoted name is `?` (pt reads every "..." as a string);
- `call name(...)` is `call name`;
- a multi-row INSERT or REPLACE keeps its first row only (pt shortens them before anything else).
"""

from __future__ import annotations

import re

FINGERPRINT_RULES = ("perfpilot", "pt")

_QUOTED_NAME = re.compile(r'("(?:[^"]|"")*"|`(?:[^`]|``)*`)')
_WORDS_TO_PLACEHOLDER = re.compile(r"\b(?:true|false|null)\b")
_IN_LIST = re.compile(r"\bin \(\?(?:, \?)*\)")
_LIMIT = re.compile(r"\blimit \?(?:, \?| offset \?)")
_ORDER_BY = re.compile(r"\border by\b")
_ASC = re.compile(r" asc\b")
_NAME_DIGITS = re.compile(r"(?<=[a-z_$])[0-9][0-9a-f]*")
_QUOTED_NAME_NUMBER = re.compile(r"[0-9+-][0-9a-f.xb+-]*")
_CALL = re.compile(r"^call (\S+?)\(.*$", re.DOTALL)
_ROW = r"\((?:[^()]|\([^()]*\))*\)"
_MULTI_ROW_INSERT = re.compile(
    rf"^((?:insert|replace)(?: ignore)? ?(?:into)? .*?\bvalues ?{_ROW})(?:, ?{_ROW})+"
)
_LITERAL_ROW = re.compile(r"\bvalues ?\(\?(?:, \?)*\)")


def _outside_names(text: str) -> str:
    text = _WORDS_TO_PLACEHOLDER.sub("?", text)
    return _NAME_DIGITS.sub("?", text)


def _quoted_name(name: str) -> str:
    if name.startswith('"'):
        return "?"
    return _QUOTED_NAME_NUMBER.sub("?", name.lower())


def pt_fingerprint(fingerprint_text: str) -> str:
    """The class pt-query-digest would put a statement of this perfpilot fingerprint in."""
    call = _CALL.match(fingerprint_text)
    if call:
        return f"call {call.group(1)}"
    parts = _QUOTED_NAME.split(fingerprint_text)
    parts[0::2] = [_outside_names(part) for part in parts[0::2]]
    parts[1::2] = [_quoted_name(part) for part in parts[1::2]]
    text = "".join(parts)
    if text.startswith(("insert", "replace")) and "), (" in text:
        text = _MULTI_ROW_INSERT.sub(r"\1", text, count=1)
    if "values (" in text:
        text = _LITERAL_ROW.sub("values (?+)", text)
    if "in (" in text:
        text = _IN_LIST.sub("in (?+)", text)
    text = _LIMIT.sub("limit ?", text, count=1)
    order = _ORDER_BY.search(text)
    if order:
        text = text[: order.end()] + _ASC.sub("", text[order.end() :])
    return text
