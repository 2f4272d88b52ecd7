"""ENV and ARG settings of a Dockerfile: their (name, value) pairs, the secret-named ones, masked text."""

from __future__ import annotations

import shlex

from perfpilot.redaction import MASK, is_sensitive_key, redact


def settings(instruction: str, arguments: str) -> list[tuple[str, str | None]]:
    """(name, value) pairs an ENV or ARG instruction sets; value None for an ARG without default."""
    text = arguments.strip()
    if instruction.upper() == "ENV" and "=" not in text.split(maxsplit=1)[0]:
        name, _, value = text.partition(" ")
        return [(name, value.strip())]
    try:
        words = shlex.split(text)
    except ValueError:
        words = text.split()
    pairs: list[tuple[str, str | None]] = []
    for word in words:
        name, sep, value = word.partition("=")
        pairs.append((name, value if sep else None))
    return pairs


def secret_names(instruction: str, arguments: str) -> list[str]:
    """Names of secret-looking settings in an ENV or ARG instruction."""
    if instruction.upper() not in ("ENV", "ARG"):
        return []
    return [name for name, _ in settings(instruction, arguments) if is_sensitive_key(name)]


def redact_instruction(instruction: str, arguments: str) -> str:
    """One instruction as text with secret values masked (also `ENV NAME value` form)."""
    if instruction.upper() in ("ENV", "ARG"):
        parts = []
        for name, value in settings(instruction, arguments):
            if value is None:
                parts.append(name)
            else:
                parts.append(f"{name}={MASK if is_sensitive_key(name) else value}")
        return f"{instruction.upper()} {' '.join(parts)}"
    return redact(f"{instruction.upper()} {arguments}")
