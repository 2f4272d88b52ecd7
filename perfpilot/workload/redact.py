"""Redaction of password-like literals in example statements before they reach reports or prompts."""

from __future__ import annotations

import re

_STRING = r"'(?:[^'\\]|\\.|'')*'"
_SECRET_LITERAL = re.compile(
    r"(\b(?:PASSWORD|IDENTIFIED\s+(?:WITH\s+\S+\s+)?BY(?:\s+PASSWORD)?|SECRET|TOKEN|API_KEY)\s*(?:=\s*|\(\s*)?)"
    + _STRING,
    re.IGNORECASE,
)
_SECRET_FUNCTION = re.compile(
    r"(\b(?:pgp_sym_encrypt|pgp_sym_decrypt|aes_encrypt|aes_decrypt|crypt)\s*\([^;]*?,\s*)" + _STRING,
    re.IGNORECASE,
)
_SECRET_PAIR = re.compile(r"\b(password|passwd|pwd)=([^\s'\";&]+)", re.IGNORECASE)
_URL_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^:/@\s']+:)[^@\s']+@", re.IGNORECASE)

REDACTED = "'***'"


def redact_secrets(sql: str) -> str:
    """The statement with password-like literals replaced by '***' (all other literals intact)."""
    text = _SECRET_LITERAL.sub(lambda m: m.group(1) + REDACTED, sql)
    text = _SECRET_FUNCTION.sub(lambda m: m.group(1) + REDACTED, text)
    text = _SECRET_PAIR.sub(lambda m: m.group(1) + "=***", text)
    return _URL_PASSWORD.sub(lambda m: m.group(1) + "***@", text)
