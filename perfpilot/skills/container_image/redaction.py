"""Secret-looking build settings: detection in ENV/ARG, and redaction of any text perfpilot repeats."""

from __future__ import annotations

import re
import shlex

SECRET_NAME = re.compile(
    r"(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL|AUTH)",
    re.IGNORECASE,
)
REDACTED = "<redacted>"
_ASSIGNMENT = re.compile(r"\b(?P<key>[A-Za-z_][A-Za-z0-9_]*)=(?P<value>\"[^\"]*\"|'[^']*'|\S+)")
_URL_CREDENTIALS = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)[^/\s:@]+:[^/\s@]+@", re.IGNORECASE)
_BEARER = re.compile(r"(?P<word>Bearer|Basic|token)\s+[A-Za-z0-9._~+/=-]{8,}", re.IGNORECASE)


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
    return [name for name, _ in settings(instruction, arguments) if SECRET_NAME.search(name)]


def redact(text: str) -> str:
    """Mask values of secret-named KEY=VALUE pairs, credentials in URLs and bearer tokens."""
    text = _ASSIGNMENT.sub(
        lambda m: f"{m['key']}={REDACTED}" if SECRET_NAME.search(m["key"]) else m.group(0), text
    )
    text = _URL_CREDENTIALS.sub(lambda m: f"{m['scheme']}{REDACTED}@", text)
    return _BEARER.sub(lambda m: f"{m['word']} {REDACTED}", text)


def redact_instruction(instruction: str, arguments: str) -> str:
    """One instruction as text with secret values masked (also `ENV NAME value` form)."""
    if instruction.upper() in ("ENV", "ARG"):
        parts = []
        for name, value in settings(instruction, arguments):
            if value is None:
                parts.append(name)
            else:
                parts.append(f"{name}={REDACTED if SECRET_NAME.search(name) else value}")
        return f"{instruction.upper()} {' '.join(parts)}"
    return redact(f"{instruction.upper()} {arguments}")
