"""Secret redaction for everything perfpilot writes or sends: logs, reports, prompts, checkpoints, SQL.

Secrets are found by shape with detect-secrets' plugins (perfpilot.secret_shapes: cloud keys, Stripe,
GitHub, GitLab, Slack, npm, JWT and other token formats; quoted high-entropy strings), beneath the rules
detect-secrets has no plugin for: one list of secret words for secret-named keys (a mapping key, a
KEY=VALUE pair, an ENV/ARG name), DSN and URL passwords, Cookie/Authorization headers, PEM blocks, SQL
password literals, token formats it lacks or matches only at one length, and high-entropy unquoted values
in assignment contexts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, MutableMapping
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, SecretBytes, SecretStr

from perfpilot.regex_literal import may_match
from perfpilot.secret_shapes import mask_shapes, shannon_entropy

MASK = "***"

_SECRET_WORDS = (
    r"pass(?:word|wd|phrase)?|pwd|secret(?:[_-]?key)?|token|api[_-]?key|access[_-]?key|private[_-]?key"
    r"|credentials?|auth"
)
"""What a key or name ends with when its value is a secret (DB_PASSWORD, SECRET_KEY, NPM_TOKEN, ...)."""

_SENSITIVE_KEY = re.compile(
    r"(?i)^(?:.*[_-])?(?:" + _SECRET_WORDS + r"|authorization|cookie|session[_-]?id)$"
)
_QUOTED_OR_BARE = r"(?:\"[^\"]*\"|'[^']*'|[^\s\"',;&}\]]+)"


def _keep(head: str, tail: str | None = None) -> Callable[[re.Match[str]], str]:
    """A replacement keeping the named head (and tail) groups around the mask."""

    def replace(match: re.Match[str]) -> str:
        return (match.group(head) or "") + MASK + ((match.group(tail) or "") if tail else "")

    return replace


def _mask_value(match: re.Match[str]) -> str:
    value = match.group("value")
    quote = value[0] if value[:1] in ("'", '"') and len(value) > 1 and value[-1] == value[0] else ""
    return f"{match.group('head')}{quote}{MASK}{quote}"


_SQL_STRING = r"'(?:[^'\\]|\\.|'')*'"


def _keep_sql_string(match: re.Match[str]) -> str:
    return f"{match.group('head')}'{MASK}'"


# Order matters: specific shapes first, so a generic rule never leaves half a secret behind.
_RULES: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    (
        re.compile(
            r"-----BEGIN [A-Z ]*PRIVATE KEY(?: BLOCK)?-----.*?"
            r"(?:-----END [A-Z ]*PRIVATE KEY(?: BLOCK)?-----|\Z)",
            re.S,
        ),
        f"-----BEGIN PRIVATE KEY-----{MASK}-----END PRIVATE KEY-----",
    ),
    # scheme://user:password@host -> scheme://user:***@host
    (
        re.compile(r"(?P<head>\b[a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\s\"']*:)(?P<pw>[^@\s/\"']+)(?P<tail>@)"),
        _keep("head", "tail"),
    ),
    # Cookie / Set-Cookie header lines: the whole value.
    (re.compile(r"(?im)^(?P<head>[ \t]*(?:set-)?cookie[ \t]*:[ \t]*)(?P<value>[^\r\n]+)"), _keep("head")),
    # Authorization: <scheme> <credentials>
    (
        re.compile(
            r"(?i)(?P<head>\bauthorization[\"']?\s*[:=]\s*[\"']?(?:(?:bearer|basic|token|digest)\s+)?)"
            r"(?P<value>[^\s\"',]+)"
        ),
        _keep("head"),
    ),
    (re.compile(r"(?i)(?P<head>\bbearer\s+)(?P<value>[A-Za-z0-9._~+/=-]{8,})"), _keep("head")),
    (re.compile(r"\beyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*"), "<jwt:" + MASK + ">"),
    (re.compile(r"\bsk-ant-[A-Za-z0-9_-]{8,}"), "sk-ant-" + MASK),
    # Token formats detect-secrets has no plugin for (Anthropic, OpenAI project keys, GitHub fine-grained,
    # Slack app, Google, bare npm) or matches at one length only (Stripe live keys of 24, classic GitHub
    # tokens of 36, Slack tokens with a lower-case tail): the JWT rule above keeps the signature masked too.
    (re.compile(r"\bsk-(?:proj-)?[A-Za-z0-9_-]{16,}"), "sk-" + MASK),
    (re.compile(r"\b[rs]k_(?:live|test)_[0-9A-Za-z]{10,}"), "sk_" + MASK),
    (re.compile(r"\bgh[pousr]_[A-Za-z0-9]{20,}\b"), "gh_" + MASK),
    (re.compile(r"\bgithub_pat_[A-Za-z0-9_]{20,}"), "github_pat_" + MASK),
    (re.compile(r"\bxox[abeprs]-[A-Za-z0-9-]{10,}"), "xox-" + MASK),
    (re.compile(r"\bxapp-[0-9]-[A-Za-z0-9-]{10,}"), "xapp-" + MASK),
    (re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"), "AIza" + MASK),
    (re.compile(r"\bnpm_[A-Za-z0-9]{36}\b"), "npm_" + MASK),
    # SQL: PASSWORD 'x', IDENTIFIED [WITH plugin] BY 'x', PASSWORD('x'), SECRET 'x', TOKEN = 'x'
    (
        re.compile(
            r"(?i)(?P<head>\b(?:PASSWORD|IDENTIFIED\s+(?:WITH\s+\S+\s+)?BY(?:\s+PASSWORD)?|SECRET|TOKEN"
            r"|API_KEY)\s*(?:=\s*|\(\s*)?)" + _SQL_STRING
        ),
        _keep_sql_string,
    ),
    # SQL: the key argument of encryption functions
    (
        re.compile(
            r"(?i)(?P<head>\b(?:pgp_sym_encrypt|pgp_sym_decrypt|aes_encrypt|aes_decrypt|crypt)\s*\([^;]*?,\s*)"
            + _SQL_STRING
        ),
        _keep_sql_string,
    ),
    # key=value / key: value / "key": "value" for secret-looking keys (DSN keywords, env files, JSON).
    (
        re.compile(
            r"(?i)(?P<head>\b[a-z0-9_-]*?(?:"
            + _SECRET_WORDS
            + r")[\"']?\s*[=:]\s*)(?P<value>"
            + _QUOTED_OR_BARE
            + ")"
        ),
        _mask_value,
    ),
)


_ASSIGNED = re.compile(
    r"(?P<head>\b(?P<name>[A-Za-z_][A-Za-z0-9_.-]*)[\"']?\s*(?:=|:|\s)\s*[\"']?)(?P<value>[A-Za-z0-9+/_-]{20,}={0,2})"
)
_NOT_SECRET_NAMES = re.compile(
    r"(?i)^(?:sha\d*|md5|digest|hash|checksum|etag|trace_?id|span_?id|image|from)$"
)
MIN_ENTROPY_BITS = 4.0
"""Shannon entropy per character (detect-secrets' measure) above which an unquoted, mixed-case value in an
assignment reads as random. Lower than detect-secrets' 4.5 for quoted strings because the value must also
mix upper case, lower case and digits (English words with spaces: ~4.0; a 20+ character random value:
~4.5-5.5)."""


def looks_random(value: str) -> bool:
    """A value of 20+ characters mixing upper, lower case and digits with high entropy: an API key or a
    generated password. Hex ids (trace ids, digests) and UUIDs are single-case, so they are kept."""
    return (
        len(value) >= 20
        and any(c.isupper() for c in value)
        and any(c.islower() for c in value)
        and any(c.isdigit() for c in value)
        and shannon_entropy(value) >= MIN_ENTROPY_BITS
    )


def _mask_random(match: re.Match[str]) -> str:
    if _NOT_SECRET_NAMES.match(match.group("name")) or not looks_random(match.group("value")):
        return match.group(0)
    return match.group("head") + MASK


_MEMO_MAX_CHARS = 2048
"""Texts up to this length are redacted once per process and remembered (at most 4,096 of them, so at most
~16 MB held): a run writes the same titles, evidence lines and SQL into four reports, its logs and its
checkpoints (~4,000 calls, ~400 distinct texts, on the recorded example)."""


def redact(text: str) -> str:
    """Text with passwords, keys, tokens, cookies and JWTs replaced by ***; idempotent. SQL keeps every
    other literal (a statement stays readable)."""
    if not text:
        return text
    if len(text) <= _MEMO_MAX_CHARS:
        return _redact_remembered(text)
    return _redact(text)


def _redact(text: str) -> str:
    folds: dict[str, str] = {}
    for pattern, replacement in _RULES:
        if may_match(pattern, text, folds):  # a rule whose required literal is absent would find nothing
            text = pattern.sub(replacement, text)
    text = mask_shapes(text)
    return _ASSIGNED.sub(_mask_random, text)


_redact_remembered = lru_cache(maxsize=4096)(_redact)


def looks_secret(value: str) -> bool:
    """Whether a bare value is a secret by its shape (a known token format or a random-looking key)."""
    return redact(value) != value or looks_random(value.strip("\"'"))


def is_sensitive_key(key: str) -> bool:
    """Whether a mapping key names a secret (its value is masked whatever it looks like)."""
    return bool(_SENSITIVE_KEY.match(key))


def redact_obj(obj: Any) -> Any:
    """A copy of obj (str, dict, list, tuple, pydantic model, secrets) with every secret masked.

    Pydantic models become their JSON-mode dumps; values under secret-named keys are masked whole."""
    if isinstance(obj, str):
        return redact(obj)
    if isinstance(obj, SecretStr | SecretBytes):
        return MASK
    if isinstance(obj, BaseModel):
        return redact_obj(obj.model_dump(mode="json"))
    if isinstance(obj, Mapping):
        return {key: _redact_entry(key, value) for key, value in obj.items()}
    if isinstance(obj, list | tuple):
        items = [redact_obj(item) for item in obj]
        return items if isinstance(obj, list) else tuple(items)
    return obj


def _redact_entry(key: Any, value: Any) -> Any:
    if isinstance(key, str) and is_sensitive_key(key) and isinstance(value, str | SecretStr | SecretBytes):
        return MASK if value else value
    return redact_obj(value)


def redact_processor(logger: Any, method_name: str, event_dict: MutableMapping[str, Any]) -> Any:
    """structlog processor: mask secrets in every value of the event dict (add it before the renderer)."""
    for key in list(event_dict):
        event_dict[key] = _redact_entry(key, event_dict[key])
    return event_dict
