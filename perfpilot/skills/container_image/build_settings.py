"""ENV and ARG settings of a Dockerfile: their (name, value) pairs, the secret-named ones, masked text."""

from __future__ import annotations

import re
import shlex

from perfpilot.redaction import MASK, is_sensitive_key, looks_secret, redact


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


_REFERENCE_ONLY = re.compile(r"^[\"']?\$(?:\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)[\"']?$")


def is_secret_setting(name: str, value: str | None) -> bool:
    """A setting whose value is a secret: by its name (DB_PASSWORD) or by its value's shape (sk_live_...).

    A value that only refers to a variable (`${DB_PASSWORD}`) holds no secret itself."""
    if value is not None and _REFERENCE_ONLY.match(value.strip()):
        return False
    return is_sensitive_key(name) or (value is not None and looks_secret(value))


def secret_names(instruction: str, arguments: str) -> list[str]:
    """Names of secret-looking settings in an ENV or ARG instruction."""
    if instruction.upper() not in ("ENV", "ARG"):
        return []
    return [name for name, value in settings(instruction, arguments) if is_secret_setting(name, value)]


def redact_instruction(instruction: str, arguments: str) -> str:
    """One instruction as text with secret values masked (also `ENV NAME value` form)."""
    if instruction.upper() in ("ENV", "ARG"):
        parts = []
        for name, value in settings(instruction, arguments):
            if value is None:
                parts.append(name)
            else:
                parts.append(f"{name}={MASK if is_secret_setting(name, value) else value}")
        return f"{instruction.upper()} {' '.join(parts)}"
    return redact(f"{instruction.upper()} {arguments}")
