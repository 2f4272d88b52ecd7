"""Secrets found by their shape with detect-secrets' plugins: known token formats and high-entropy strings.

The plugins are detect-secrets' own (their regexes and entropy limit, maintained there); this module only
turns what they find into masked spans. It loads them on first use: importing detect-secrets takes ~0.2 s,
which commands that never redact (`perfpilot version`) should not pay.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from functools import cache, lru_cache
from typing import Any, cast

from perfpilot.regex_literal import may_match

MASK = "***"

_TOKEN_TAIL = re.compile(r"[A-Za-z0-9_-]*")
"""Characters a token runs on with: a plugin matching a fixed-length prefix never leaves a tail behind."""
_DELIMITERS = " \t\r\n=:\"'"
"""What some plugins include around a token ((?:\\s|=|:|\"|^)TOKEN): kept, only the token is masked."""
_MIN_GROUP = 8
"""A capture group this long is the secret itself (AWS secret keys, Basic-auth passwords, npm tokens);
shorter ones are token prefixes (ghp, glpat) and the whole match is masked."""

_NOT_SECRETS = frozenset({"IPPublicDetector", "PrivateKeyDetector", "KeywordDetector"})
"""IP addresses are not secrets; PEM blocks are masked whole by perfpilot.redaction (the plugin matches the
header line only); keyword assignments are perfpilot.redaction's secret-named keys."""


@cache
def shape_patterns() -> tuple[re.Pattern[str], ...]:
    """Every token regex of detect-secrets' regex-based plugins (AWS, Stripe, GitHub, GitLab, Slack, JWT,
    npm, PyPI, SendGrid, Discord, Telegram, Twilio, Azure, IBM, Square, OpenAI, ...)."""
    import importlib
    import inspect
    import pkgutil

    import detect_secrets.plugins as plugins
    from detect_secrets.plugins.base import RegexBasedDetector

    patterns: list[re.Pattern[str]] = []
    for module_info in sorted(pkgutil.iter_modules(plugins.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{plugins.__name__}.{module_info.name}")
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(cls, RegexBasedDetector)
                and cls is not RegexBasedDetector
                and cls.__module__ == module.__name__
                and name not in _NOT_SECRETS
            ):
                patterns.extend(cast("Iterable[re.Pattern[str]]", cls.denylist))
    return tuple(patterns)


@cache
def _entropy_plugin() -> Any:
    from detect_secrets.plugins.high_entropy_strings import Base64HighEntropyString

    return Base64HighEntropyString()


def entropy_limit() -> float:
    """Bits per character above which detect-secrets reads a base64-alphabet string as random (4.5)."""
    return float(_entropy_plugin().entropy_limit)


@lru_cache(maxsize=4096)
def shannon_entropy(text: str) -> float:
    """Bits per character of `text`, as detect-secrets computes it (remembered: a page repeats its
    attribute values and a run its identifiers)."""
    return float(_entropy_plugin().calculate_shannon_entropy(text)) if text else 0.0


def _secret_span(match: re.Match[str], text: str) -> tuple[int, int]:
    """The part of a plugin's match that is the secret, run on to the end of the token."""
    for group in range(1, (match.re.groups or 0) + 1):
        start, end = match.span(group)
        if start >= 0 and end - start >= _MIN_GROUP:
            break
    else:
        start, end = match.span()
        while start < end and text[start] in _DELIMITERS:
            start += 1
        while end > start and text[end - 1] in _DELIMITERS:
            end -= 1
    tail = _TOKEN_TAIL.match(text, end)
    return start, tail.end() if tail else end


def _token_spans(text: str) -> Iterator[tuple[int, int]]:
    folds: dict[str, str] = {}
    for pattern in shape_patterns():
        if not may_match(pattern, text, folds):  # its required literal is absent: it would find nothing
            continue
        for match in pattern.finditer(text):
            start, end = _secret_span(match, text)
            if end > start and text[start:end] != MASK:
                yield start, end


def _quoted_random_spans(text: str) -> Iterator[tuple[int, int]]:
    """Quoted strings of the base64 alphabet whose entropy passes detect-secrets' limit."""
    plugin = _entropy_plugin()
    for match in plugin.regex.finditer(text):
        value = match.group(2)
        if shannon_entropy(value) > plugin.entropy_limit:
            yield match.span(2)


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def mask_shapes(text: str, keep: Callable[[str], bool] = lambda _: False) -> str:
    """`text` with every token detect-secrets' plugins recognise, and every quoted high-entropy string,
    replaced by ***; a found value for which keep(value) is true stays (e.g. an already masked one)."""
    spans = [(s, e) for s, e in [*_token_spans(text), *_quoted_random_spans(text)] if not keep(text[s:e])]
    if not spans:
        return text
    parts: list[str] = []
    last = 0
    for start, end in _merged(spans):
        parts.append(text[last:start])
        parts.append(MASK)
        last = end
    parts.append(text[last:])
    return "".join(parts)
